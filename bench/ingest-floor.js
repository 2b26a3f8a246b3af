// The floor of the ingest benchmark (`cargo xtask bench`): a worker that reads each event post and
// answers 202 without looking at it — no checks, no parsing, no queue. What it reaches is the most
// any worker could reach under the same wrangler dev, client and machine; over the JS peer's, it
// is the largest ratio any worker could show against that peer here.
export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (request.method === "POST" && (path === "/events" || path === "/__sfcc-clerk/events")) {
      const bytes = await request.arrayBuffer();
      return new Response(JSON.stringify({ read: bytes.byteLength }), {
        status: 202,
        headers: { "content-type": "application/json" },
      });
    }
    return new Response(JSON.stringify({ status: "ok" }), { headers: { "content-type": "application/json" } });
  },
};
