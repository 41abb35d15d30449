// The outbox: records saved on the phone (IndexedDB) until the server has them.
// Loaded by pages and, through importScripts, by the service worker.
// Design after workbox-background-sync's Queue: oldest first, one at a time,
// behind a lock; a record leaves the outbox only after a 2xx answer.
/* exported VarvaOutbox */
const VarvaOutbox = (() => {
  const DB_NAME = "varva-outbox";
  const STORES = ["outbox", "failed", "state"];
  let opening = null;
  let flushing = null;

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          request.result.createObjectStore("outbox", { keyPath: "id" });
          request.result.createObjectStore("failed", { keyPath: "id" });
          request.result.createObjectStore("state", { keyPath: "key" });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return opening;
  }

  // "strict" durability: "saved" is only said once the write is on disk.
  async function run(store, mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode, { durability: "strict" });
      const result = work(tx.objectStore(store));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  const put = (store, value) => run(store, "readwrite", (s) => s.put(value));
  const remove = (store, key) => run(store, "readwrite", (s) => s.delete(key));
  const get = (store, key) => run(store, "readonly", (s) => s.get(key));
  const all = async (store) => {
    const rows = await run(store, "readonly", (s) => s.getAll());
    return rows.sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
  };

  async function getState(key) {
    const row = await get("state", key);
    return row ? row.value : undefined;
  }
  const setState = (key, value) => put("state", { key, value });

  function add(url, body) {
    return put("outbox", {
      id: body.client_uuid, url, body, created_at: new Date().toISOString(), attempts: 0,
    });
  }

  async function notify() {
    const message = { type: "outbox-changed" };
    if (typeof clients !== "undefined" && clients.matchAll) {
      (await clients.matchAll({ includeUncontrolled: true })).forEach((c) => c.postMessage(message));
    } else if (typeof window !== "undefined") {
      window.dispatchEvent(new CustomEvent("outbox-changed"));
    }
  }

  async function fetchToken() {
    const response = await fetch("/api/csrf", {
      credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store",
    });
    if (response.status === 401) return null;
    if (!response.ok) throw new Error(`csrf ${response.status}`);
    return (await response.json()).token;
  }

  function send(record, token) {
    return fetch(record.url, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
      body: JSON.stringify(record.body),
    });
  }

  // Returns "done", "login" (401: the queue waits for a new login) or "later"
  // (server busy); rejects on a network error so a sync event is retried.
  async function flushNow() {
    const records = await all("outbox");
    if (!records.length) return "done";
    let token = await fetchToken();
    if (token === null) {
      await setState("needsLogin", true);
      return "login";
    }
    await setState("needsLogin", false);
    for (const record of records) {
      let response = await send(record, token);
      if (response.status === 400) {
        token = await fetchToken(); // the token expired: one fresh try
        if (token === null) return "login";
        response = await send(record, token);
      }
      if (response.ok) {
        await remove("outbox", record.id);
        await setState("lastSent", new Date().toISOString());
      } else if (response.status === 401) {
        await setState("needsLogin", true);
        return "login";
      } else if (response.status === 429 || response.status >= 500) {
        await put("outbox", { ...record, attempts: record.attempts + 1 });
        return "later";
      } else {
        const answer = await response.json().catch(() => ({}));
        await put("failed", { ...record, status: response.status, errors: answer.errors || {} });
        await remove("outbox", record.id);
      }
    }
    return "done";
  }

  // One flush at a time across tabs and the service worker where the browser
  // has Web Locks; the server's idempotency covers the rest.
  function flush() {
    if (!flushing) {
      const work = () => flushNow().finally(notify);
      const locked = typeof navigator !== "undefined" && navigator.locks
        ? navigator.locks.request("varva-outbox", work) : work();
      flushing = locked.finally(() => { flushing = null; });
    }
    return flushing;
  }

  async function retryFailed(id) {
    const record = await get("failed", id);
    if (record) {
      await put("outbox", { id: record.id, url: record.url, body: record.body,
        created_at: record.created_at, attempts: 0 });
      await remove("failed", id);
    }
  }

  return { add, all, flush, getState, setState, remove, retryFailed };
})();

if (typeof self !== "undefined") self.VarvaOutbox = VarvaOutbox;
