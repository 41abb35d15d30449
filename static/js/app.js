// Progressive enhancement only: every page works without this file.
function shareOrCopy(button) {
  const url = button.dataset.url;
  const status = button.parentElement.querySelector(".share-status");
  if (navigator.share) {
    navigator.share({ url }).catch(() => {});
    return;
  }
  navigator.clipboard.writeText(url).then(() => {
    status.textContent = button.dataset.copied;
  }, () => { status.textContent = url; });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.copy").forEach((input) => {
    input.addEventListener("focus", () => input.select());
  });
  document.querySelectorAll("[data-url]").forEach((button) => {
    button.parentElement.hidden = false;
    button.addEventListener("click", () => shareOrCopy(button));
  });
});

// The service worker makes the app installable and the shift screen work offline.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch(() => {});
  });
}
