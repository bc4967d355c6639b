// The app works without this script; it adds the offline shell (PWA).
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/static/sw.js", { scope: "/static/" }).catch(() => {});
}
