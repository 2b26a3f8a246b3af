// The JS peer for the ingest benchmark (`cargo xtask bench`): `POST /events` done in plain
// JavaScript the way the Rust worker does it (src/events/ingest.rs with core/src/event/), so the
// two can be measured side by side under the same wrangler/workerd: the same checks of the request
// (same-site, JSON content type, size, UTF-8), the per-visitor rate limit (the same Workers Rate
// Limiting binding), consent and the first-party visitor id from the cookies, the store from
// `?store=`, the body parsed and every event checked (types, required fields, age_ms/time, page
// ids, order lines), GA4 pushes translated to native events, event ids (request-scoped, or
// page-scoped so a page's report and the worker's sighting count once), and each event put on a
// Queue binding as the same JSON text message (`{"attempt":1,"payload":…}`, content type `text`),
// 100 per sendBatch.
// Answers as the worker does: 202 with the event ids, 4xx naming the problem, 429 or 503 (the queue
// refused the call) with `Retry-After`.

const MAX_BODY_BYTES = 64 * 1024;
const MAX_EVENTS_PER_CALL = 50;
const MAX_AGE_MS = 24 * 60 * 60 * 1000;
const VISITOR_COOKIE = "__Host-sfcc_clerk_vid";
const LIMIT_PERIOD_S = 60;
const QUEUE_RETRY_S = 10;
const KINDS = ["product_view", "category_view", "search", "add_to_cart", "purchase", "click", "login"];
const GA4_EVENTS = [
  "view_item", "view_item_list", "search", "select_item", "add_to_cart", "remove_from_cart",
  "view_cart", "begin_checkout", "purchase", "add_payment_info",
];

// This isolate's settings, read once (as the worker caches its own).
let settings = null;
function configured(env) {
  if (!settings) {
    const stores = JSON.parse(env.STORES);
    if (!Array.isArray(stores) || stores.length === 0) throw new Error("STORES: no store is configured");
    settings = { stores, mode: env.CONSENT_MODE || "strict", cmp: env.CONSENT_COOKIE || null };
  }
  return settings;
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const wholeU64 = (v) => typeof v === "number" && Number.isInteger(v) && v >= 0;
const positiveU32 = (v) => (wholeU64(v) && v >= 1 && v <= 0xffffffff ? v : null);

function cookie(header, name) {
  for (const pair of header.split(";")) {
    const at = pair.indexOf("=");
    if (at >= 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return null;
}

function consentFrom(cookies, gpc, cmp) {
  if ((gpc && gpc.trim() === "1") || cookie(cookies, "dw_dnt") === "1" || cookie(cookies, "dnt") === "1") {
    return "denied";
  }
  if (cmp && cmp.includes("=")) {
    const at = cmp.indexOf("=");
    const v = cookie(cookies, cmp.slice(0, at));
    if (v !== null && (cmp.slice(at + 1) === "*" || v === cmp.slice(at + 1))) return "granted";
  }
  return cookie(cookies, "dw_dnt") === "0" ? "granted" : "unknown";
}

function forwarding(consent, mode) {
  if (consent === "granted") return "identity";
  if (consent === "unknown") return "hold";
  return mode === "anonymous" ? "anonymous" : "drop";
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function visitorFromCookies(header) {
  for (const pair of header.split(";")) {
    const p = pair.trim();
    const at = p.indexOf("=");
    if (at >= 0 && p.slice(0, at) === VISITOR_COOKIE) {
      const id = p.slice(at + 1).trim().toLowerCase();
      return UUID_V4.test(id) ? id : null;
    }
  }
  return null;
}

function strField(obj, name) {
  const v = obj[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw `field \`${name}\` must be a string`;
  return v.trim() === "" ? null : v;
}

// --- GA4 pushes as native events (core/src/event/ga4.rs) ---

function ga4Items(obj) {
  const items = isObject(obj.ecommerce) ? obj.ecommerce.items : undefined;
  if (!Array.isArray(items) || items.length === 0) throw "ecommerce.items must be a non-empty array";
  return items;
}

function itemId(item) {
  const v = isObject(item) ? item.item_id : undefined;
  if (typeof v === "string" && v.trim() !== "") return v;
  if (typeof v === "number") return String(v);
  throw "item_id must be a non-empty string";
}

function translate(obj) {
  const name = obj.event;
  if (typeof name !== "string") throw "field `event` must be a string";
  const ecommerce = isObject(obj.ecommerce) ? obj.ecommerce : undefined;
  const out = {};
  switch (name) {
    case "view_item":
      out.type = "product_view";
      out.product = itemId(ga4Items(obj)[0]);
      break;
    case "view_item_list": {
      const list = ecommerce ? ecommerce.item_list_id : undefined;
      if (typeof list !== "string" || list.trim() === "" || list.startsWith("search")) return null;
      out.type = "category_view";
      out.category = list;
      break;
    }
    case "search":
      if (!("search_term" in obj)) throw "search_term is required for search";
      out.type = "search";
      out.query = obj.search_term;
      break;
    case "add_to_cart": {
      const first = ga4Items(obj)[0];
      out.type = "add_to_cart";
      out.product = itemId(first);
      if (isObject(first) && "quantity" in first) out.quantity = first.quantity;
      break;
    }
    case "purchase": {
      const t = ecommerce ? ecommerce.transaction_id : undefined;
      let order = null;
      if (typeof t === "string" && t.trim() !== "") order = t;
      else if (typeof t === "number") order = String(t);
      if (order === null) throw "ecommerce.transaction_id is required for purchase";
      const lines = ga4Items(obj).map((i) => ({
        id: itemId(i),
        price: isObject(i) && "price" in i ? i.price : null,
        quantity: isObject(i) && "quantity" in i ? i.quantity : 1,
      }));
      out.type = "purchase";
      out.order_id = order;
      out.products = lines;
      break;
    }
    default:
      if (GA4_EVENTS.includes(name)) return null;
      throw `unknown GA4 event ${JSON.stringify(name)}; forwarded ones: ${GA4_EVENTS.join(", ")}`;
  }
  if (ecommerce && "currency" in ecommerce) out.currency = ecommerce.currency;
  for (const key of ["time", "age_ms", "page_id"]) if (key in obj) out[key] = obj[key];
  return out;
}

function isGa4Push(obj) {
  if (!("event" in obj)) return false;
  if (typeof obj.event === "string" && GA4_EVENTS.includes(obj.event)) return true;
  return !("type" in obj);
}

// --- native events (core/src/event/normalize.rs) ---

function eventKey(e) {
  switch (e.kind) {
    case "category_view": return e.category || "";
    case "search": return e.query || "";
    case "purchase": return e.order_id || "";
    case "login": return e.email || "";
    default: return e.products.length ? e.products[0].id : "";
  }
}

const pageEventId = (page, kind, key) => (kind === "purchase" ? `order-${key}` : `${page}-${kind}-${key}`);

function isEmail(s) {
  const t = s.trim();
  const at = t.indexOf("@");
  if (at < 0) return false;
  const local = t.slice(0, at);
  const domain = t.slice(at + 1);
  return local !== "" && !domain.includes("@") && domain.includes(".") && !domain.startsWith(".") &&
    !domain.endsWith(".") && !/\s/.test(s);
}

function orderLine(line) {
  if (!isObject(line)) throw "must be an object";
  const id = strField(line, "id");
  if (id === null) throw "field `id` is required";
  const price = line.price;
  if (typeof price !== "number" || !Number.isFinite(price) || price < 0) throw "field `price` must be a number ≥ 0";
  const quantity = positiveU32(line.quantity);
  if (quantity === null) throw "field `quantity` must be a whole number ≥ 1";
  return { id, price, quantity };
}

function one(obj, index, ctx) {
  const typeName = strField(obj, "type");
  if (typeName === null) throw "field `type` is required";
  if (!KINDS.includes(typeName)) throw `unknown type ${JSON.stringify(typeName)}; known types: ${KINDS.join(", ")}`;
  const kind = typeName;
  let timeMs;
  if (obj.age_ms !== undefined && obj.age_ms !== null) {
    if (!wholeU64(obj.age_ms) || obj.age_ms > MAX_AGE_MS) throw "field `age_ms` must be whole milliseconds, at most a day";
    timeMs = Math.max(0, ctx.nowMs - obj.age_ms);
  } else if (obj.time === undefined || obj.time === null) {
    timeMs = ctx.nowMs;
  } else {
    if (!wholeU64(obj.time) || obj.time > ctx.nowMs) throw "field `time` must be Unix milliseconds, not in the future";
    timeMs = obj.time;
  }
  const required = (name) => {
    const v = strField(obj, name);
    if (v === null) throw `field \`${name}\` is required for ${typeName}`;
    return v;
  };
  const e = {
    id: `${ctx.requestId}-${index}`, kind, time_ms: timeMs, store: ctx.store,
    visitor: ctx.visitor, customer: null, products: [], category: null, query: null,
    order_id: null, email: null, currency: null, source: "client",
  };
  switch (kind) {
    case "product_view":
    case "click":
      e.products.push({ id: required("product") });
      break;
    case "category_view":
      e.category = required("category");
      break;
    case "search":
      e.query = required("query");
      break;
    case "login": {
      const email = required("email");
      if (!isEmail(email)) throw "field `email` must be an email address";
      e.email = email;
      break;
    }
    case "add_to_cart": {
      let quantity = 1;
      if (obj.quantity !== undefined && obj.quantity !== null) {
        quantity = positiveU32(obj.quantity);
        if (quantity === null) throw "field `quantity` must be a whole number ≥ 1";
      }
      e.products.push({ id: required("product"), quantity });
      break;
    }
    case "purchase": {
      e.order_id = required("order_id");
      const lines = obj.products;
      if (!Array.isArray(lines) || lines.length === 0) throw "field `products` must be a non-empty array for purchase";
      lines.forEach((line, i) => {
        try {
          e.products.push(orderLine(line));
        } catch (reason) {
          throw `products[${i}]: ${reason}`;
        }
      });
      break;
    }
  }
  e.currency = strField(obj, "currency") ?? ctx.currency;
  const page = strField(obj, "page_id");
  if (page !== null) {
    if (page.length > 64 || !/^[A-Za-z0-9_-]+$/.test(page)) throw "field `page_id` must be 1 to 64 letters, digits, - or _";
    e.id = pageEventId(page, kind, eventKey(e));
  } else if (kind === "purchase") {
    e.id = pageEventId("", kind, eventKey(e));
  }
  return e;
}

// The event as the queue message text: the field order and the omitted empty fields of the
// Rust worker's serde output.
function message(e) {
  const payload = { id: e.id, kind: e.kind, time_ms: e.time_ms, store: e.store };
  if (e.visitor !== null) payload.visitor = e.visitor;
  if (e.customer !== null) payload.customer = e.customer;
  if (e.products.length) payload.products = e.products;
  for (const k of ["category", "query", "order_id", "email", "currency"]) if (e[k] !== null) payload[k] = e[k];
  payload.source = e.source;
  return JSON.stringify({ attempt: 1, payload });
}

function normalize(body, ctx) {
  let value;
  try {
    value = JSON.parse(body);
  } catch (e) {
    throw `body is not valid JSON: ${e.message}`;
  }
  let items;
  if (Array.isArray(value)) items = value;
  else if (isObject(value)) {
    if ("events" in value) {
      if (!Array.isArray(value.events)) throw "body must be an event object, an array of events, or {\"events\": [...]}";
      items = value.events;
    } else items = [value];
  } else throw "body must be an event object, an array of events, or {\"events\": [...]}";
  if (items.length === 0) throw "no events in the body";
  if (items.length > MAX_EVENTS_PER_CALL) throw `${items.length} events in one call; at most ${MAX_EVENTS_PER_CALL} are accepted`;
  // Each event taken or refused on its own.
  const events = [];
  const refused = [];
  items.forEach((item, index) => {
    try {
      if (!isObject(item)) throw "must be a JSON object";
      const obj = isGa4Push(item) ? translate(item) : item;
      if (obj !== null) events.push(one(obj, index, ctx));
    } catch (reason) {
      refused.push({ index, error: String(reason) });
    }
  });
  return { events, refused };
}

const answer = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

async function ingest(request, env) {
  const s = configured(env);
  const headers = request.headers;
  if (headers.get("sec-fetch-site") === "cross-site") return answer(403, { error: "cross-site event posts are not accepted" });
  if (!(headers.get("content-type") || "").toLowerCase().startsWith("application/json")) {
    return answer(415, { error: "content-type must be application/json" });
  }
  const cookies = headers.get("cookie") || "";
  if (env.BEACON_LIMIT) {
    const known = visitorFromCookies(cookies);
    const ip = (headers.get("cf-connecting-ip") || "").trim();
    const key = known !== null ? `v:${known}` : ip !== "" ? `ip:${ip}` : "anonymous";
    // A limiter that cannot answer lets the call through: tracking must not fail shut.
    const outcome = await env.BEACON_LIMIT.limit({ key }).catch(() => null);
    if (outcome && !outcome.success) {
      return answer(429, { error: `too many event posts from this visitor; retry in ${LIMIT_PERIOD_S} s` }, {
        "retry-after": String(LIMIT_PERIOD_S),
      });
    }
  }
  const decision = forwarding(consentFrom(cookies, headers.get("sec-gpc"), s.cmp), s.mode);
  let visitor = null;
  let setCookie = null;
  if (decision === "identity") {
    visitor = visitorFromCookies(cookies);
    if (visitor === null) {
      visitor = crypto.randomUUID();
      setCookie = `${VISITOR_COOKIE}=${visitor}; Path=/; Max-Age=31536000; Secure; HttpOnly; SameSite=Lax`;
    }
  }
  const bytes = await request.arrayBuffer();
  if (bytes.byteLength > MAX_BODY_BYTES) {
    return answer(413, { error: `body is ${bytes.byteLength} bytes; at most ${MAX_BODY_BYTES} are accepted` });
  }
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return answer(400, { error: "body is not UTF-8" });
  }
  const requestId = crypto.randomUUID().replaceAll("-", "");
  const name = new URL(request.url).searchParams.get("store");
  const store = name === null ? s.stores[0] : s.stores.find((st) => st.name === name);
  if (!store) return answer(400, { error: `no store ${JSON.stringify(name)} is configured` });
  let events, refused;
  try {
    ({ events, refused } = normalize(text, {
      store: store.name, currency: store.currency, nowMs: Date.now(), requestId,
      visitor: visitor === null ? null : visitor.replaceAll("-", ""),
    }));
  } catch (reason) {
    return answer(400, { error: String(reason) });
  }
  if (events.length === 0 && refused.length > 0) {
    return answer(400, { error: `event ${refused[0].index}: ${refused[0].error}`, refused });
  }
  const named = refused.length > 0 ? { refused } : {};
  if (decision !== "identity") events = events.filter((e) => e.email === null);
  if (decision === "hold" || decision === "drop") {
    return answer(202, { accepted: 0, dropped: events.length, reason: "no tracking consent", ...named });
  }
  const messages = events.map((e) => ({ body: message(e), contentType: "text" }));
  try {
    for (let i = 0; i < messages.length; i += 100) await env.EVENTS.sendBatch(messages.slice(i, i + 100));
  } catch (e) {
    return answer(503, {
      error: `the events could not be queued (${e}); none of this call was accepted: send it again in ${QUEUE_RETRY_S} s`,
    }, { "retry-after": String(QUEUE_RETRY_S) });
  }
  return answer(202, { accepted: events.length, event_ids: events.map((e) => e.id), ...named }, setCookie ? { "set-cookie": setCookie } : {});
}

export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (request.method === "POST" && (path === "/events" || path === "/__sfcc-clerk/events")) return ingest(request, env);
    if (path === "/health") return answer(200, { status: "ok" });
    return answer(404, { error: "not found" });
  },
};
