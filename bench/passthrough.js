// The peer for the proxy benchmark: a plain pass-through worker, nothing but fetch to the origin.
// With `INJECT` set (the bench's experiments), it also prepends that markup to the page's
// `<head>` with the runtime's HTMLRewriter, as the worker does with its beacon.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const response = await fetch(new Request(env.ORIGIN + url.pathname + url.search, request), { redirect: "manual" });
    if (!env.INJECT) return response;
    return new HTMLRewriter()
      .on("head", { element: (el) => el.prepend(env.INJECT, { html: true }) })
      .transform(response);
  },
};
