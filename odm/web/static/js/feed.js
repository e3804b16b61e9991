// The change feed (GET /v1/changes, Server-Sent Events) read with fetch, not EventSource:
// EventSource cannot send the Authorization header, and a key must never go in a URL.
// Reconnects after a drop and resumes after the last id seen (Last-Event-ID).
import { authHeaders } from "./api.js";

const RETRY_MS = 3000;

/** Parse one SSE block ("event: change\nid: 5\ndata: {...}") into {event, id, data}. */
function parseEvent(block) {
  const message = { event: "message", id: null, data: "" };
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") message.event = value;
    else if (field === "id") message.id = value;
    else if (field === "data") message.data += (message.data ? "\n" : "") + value;
  }
  return message;
}

async function readEvents(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (block.trim()) onEvent(parseEvent(block));
    }
  }
}

/** Follow the feed from now on; `handlers.change(change)` for each change, `handlers.reset()`
 * when the changes asked for were pruned. Returns a function that stops it. */
export function followChanges(query, handlers) {
  const controller = new AbortController();
  let lastId = null;
  const onEvent = (message) => {
    if (message.id) lastId = message.id;
    if (message.event === "change") handlers.change(JSON.parse(message.data));
    else if (message.event === "reset" && handlers.reset) handlers.reset();
    else if (message.event === "end") controller.abort();
  };
  const connect = async () => {
    while (!controller.signal.aborted) {
      const headers = { ...authHeaders(), Accept: "text/event-stream" };
      if (lastId) headers["Last-Event-ID"] = lastId;
      try {
        const response = await fetch(`/v1/changes${query}`, { headers, signal: controller.signal });
        if (response.ok) {
          if (handlers.open) handlers.open();
          await readEvents(response, onEvent);
        } else if (response.status === 401 || response.status === 403) {
          return;
        }
      } catch (error) {
        if (controller.signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  };
  connect();
  return () => controller.abort();
}
