// The app's shell for offline use: its own static files, and a page that says
// the phone is offline. Never a page or an image of the wearer's: personal data
// is not kept in the browser (those go to the network, or to the offline page).
const CACHE = "glasses-shell-v2";
const SHELL = [
  "/static/app.css", "/static/app.js", "/static/icon.svg", "/static/manifest.webmanifest",
  "/static/offline.html",
];
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
});
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) =>
    Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key)))));
});
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== location.origin) return;
  if (event.request.mode === "navigate") {
    event.respondWith(fetch(event.request).catch(() => caches.match("/static/offline.html")));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(event.request).then((hit) => hit || fetch(event.request)));
  }
});
