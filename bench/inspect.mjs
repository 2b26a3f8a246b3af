// Looks inside the worker's isolate under `wrangler dev` through its inspector port (the Chrome
// DevTools protocol), for the bench: where the CPU goes, and how the JS heap grows.
//
//   node bench/inspect.mjs PORT profile SECONDS OUT.cpuprofile
//       samples the isolate's CPU for SECONDS, writes the profile (open it in Chrome DevTools) and
//       prints the functions with the most self time, as `self_ms total_ms name url`.
//   node bench/inspect.mjs PORT heap SECONDS EVERY_S
//       prints the isolate's JS heap (used and total, MiB) every EVERY_S for SECONDS; ended with
//       SIGTERM, it prints the size of the isolate's WebAssembly memory last (where the Rust heap
//       lives; it only grows, so its size at the end is its peak; finding it walks the heap, a
//       full collection, so it is read once).
//   node bench/inspect.mjs PORT retained SECONDS EVERY_S
//       the same after a full garbage collection each time: what the isolate holds on to.
//
// Uses the `ws` package wrangler installs; nothing leaves 127.0.0.1.

import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const WebSocket = require("ws");

const [port, command, secondsArg, extra] = process.argv.slice(2);
const seconds = Number(secondsArg);
if (!port || !["profile", "heap", "retained"].includes(command) || !(seconds > 0)) {
  console.error("usage: inspect.mjs PORT profile SECONDS OUT | PORT heap|retained SECONDS EVERY_S");
  process.exit(2);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The inspector's first target (wrangler's proxy lists the user worker). */
async function target() {
  for (let i = 0; i < 50; i++) {
    try {
      const list = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
      if (list.length > 0) return list[0].webSocketDebuggerUrl;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`no inspector target on 127.0.0.1:${port}`);
}

function session(url) {
  const ws = new WebSocket(url);
  let next = 1;
  const pending = new Map();
  const contexts = [];
  ws.on("message", (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.method === "Runtime.executionContextCreated") contexts.push(msg.params.context.id);
    const waiter = msg.id && pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    if (msg.error) waiter.reject(new Error(`${JSON.stringify(msg.error)}`));
    else waiter.resolve(msg.result);
  });
  const opened = new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return {
    opened,
    contexts,
    send(method, params = {}) {
      const id = next++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    close: () => ws.close(),
  };
}

/** Self and total time per function (by name and script), from a V8 CPU profile. */
function summary(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const interval = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = (timeDeltas[i + 1] ?? 0) / 1000;
    interval.set(samples[i], (interval.get(samples[i]) ?? 0) + dt);
  }
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const rows = new Map();
  // Anonymous functions are told apart by where they start.
  const key = (n) => {
    const f = n.callFrame;
    const name = f.functionName || `(anonymous ${f.scriptId}:${f.lineNumber}:${f.columnNumber})`;
    return `${name}\t${f.url}`;
  };
  for (const [id, ms] of interval) {
    const seen = new Set();
    for (let cur = id, first = true; cur !== undefined; cur = parent.get(cur), first = false) {
      const k = key(byId.get(cur));
      const row = rows.get(k) ?? { self: 0, total: 0 };
      if (first) row.self += ms;
      if (!seen.has(k)) row.total += ms;
      seen.add(k);
      rows.set(k, row);
    }
  }
  return [...rows.entries()].sort((a, b) => b[1].self - a[1].self);
}

const s = session(await target());
await s.opened;
/** The first characters of the code at `scriptId:line:column`, to name an anonymous function. */
async function codeAt(scriptId, line, column) {
  try {
    const { scriptSource } = await s.send("Debugger.getScriptSource", { scriptId });
    const lines = scriptSource.split("\n").slice(Number(line), Number(line) + 8);
    const text = lines.join("\n").slice(Number(column));
    return text.replace(/\s+/g, " ").slice(0, 160);
  } catch {
    return "";
  }
}

/** The size of the isolate's WebAssembly memories (the Rust heap lives in one), bytes. */
async function wasmMemoryBytes() {
  try {
    const group = "sfcc-clerk-inspect";
    const contextId = s.contexts[0];
    const proto = await s.send("Runtime.evaluate", { expression: "WebAssembly.Memory.prototype", objectGroup: group, contextId });
    const { objects } = await s.send("Runtime.queryObjects", { prototypeObjectId: proto.result.objectId, objectGroup: group });
    const { result } = await s.send("Runtime.callFunctionOn", {
      objectId: objects.objectId,
      functionDeclaration: "function () { return this.reduce((n, m) => n + m.buffer.byteLength, 0); }",
      returnByValue: true,
    });
    await s.send("Runtime.releaseObjectGroup", { objectGroup: group });
    return result.value;
  } catch {
    return undefined;
  }
}

if (command === "profile") {
  await s.send("Debugger.enable");
  await s.send("Profiler.enable");
  await s.send("Profiler.setSamplingInterval", { interval: 100 });
  await s.send("Profiler.start");
  console.log(`profiling for ${seconds} s`);
  await sleep(seconds * 1000);
  const { profile } = await s.send("Profiler.stop");
  if (extra) writeFileSync(extra, JSON.stringify(profile));
  const rows = summary(profile);
  const sampled = rows.reduce((sum, [, r]) => sum + r.self, 0);
  const idle = rows.find(([k]) => k.startsWith("(idle)"))?.[1].self ?? 0;
  console.log(`sampled ${sampled.toFixed(1)} ms of isolate time, ${(sampled - idle).toFixed(1)} ms of it busy`);
  console.log("self_ms\ttotal_ms\tfunction\tscript");
  for (const [k, r] of rows.slice(0, 40)) {
    const at = /^\(anonymous (\d+):(\d+):(\d+)\)/.exec(k);
    const code = at && at[1] !== "0" ? `\t${await codeAt(at[1], at[2], at[3])}` : "";
    console.log(`${r.self.toFixed(1)}\t${r.total.toFixed(1)}\t${k}${code}`);
  }
} else {
  // Contexts are announced on enabling: the WebAssembly memory is looked up in one at the end.
  await s.send("Runtime.enable");
  process.on("SIGTERM", async () => {
    const bytes = await wasmMemoryBytes();
    if (bytes !== undefined) console.log(`wasm memory ${(bytes / 1048576).toFixed(1)} MiB`);
    process.exit(0);
  });
  const every = Number(extra ?? 5);
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    if (command === "retained") await s.send("HeapProfiler.collectGarbage");
    const { usedSize, totalSize } = await s.send("Runtime.getHeapUsage");
    const mib = (b) => (b / 1048576).toFixed(1);
    console.log(`${((Date.now() - started) / 1000).toFixed(0)}s\tused ${mib(usedSize)} MiB\ttotal ${mib(totalSize)} MiB`);
    await sleep(every * 1000);
  }
}
s.close();
