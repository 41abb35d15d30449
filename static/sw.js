// Värva's service worker: the app shell offline, and the outbox replayed.
// Served from /sw.js (scope: the whole site) with Cache-Control: no-cache.
importScripts("/static/js/outbox.js");

const CACHE = "varva-__VERSION__";
// The shell holds no personal data: the shift screen, the offline page and
// static files. Never /api/, sign-up or account pages.
const SHELL = [
  "/pass", "/offline", "/static/css/app.css", "/static/js/app.js",
  "/static/js/outbox.js", "/static/js/shift.js", "/static/icons/icon.svg",
  "/static/icons/icon-192.png", "/manifest.webmanifest",
];
const SHELL_PAGES = ["/pass", "/offline"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
    await VarvaOutbox.flush().catch(() => {});
  })());
});

async function networkFirst(request) {
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    if (response.ok && SHELL_PAGES.includes(url.pathname)) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
    }
    return response;
  } catch (error) {
    return (await caches.match(url.pathname)) || caches.match("/offline");
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(request));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  }
});

// Background Sync (Chromium); pages also flush on load and on "online".
self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(VarvaOutbox.flush());
});

// A service worker that starts up replays what is waiting (workbox does the same).
VarvaOutbox.flush().catch(() => {});
