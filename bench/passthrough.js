// The peer for the proxy benchmark: a plain pass-through worker, nothing but fetch to the origin.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    return fetch(new Request(env.ORIGIN + url.pathname + url.search, request), { redirect: "manual" });
  },
};
