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
  // Logging out forgets the member's details on this phone (the next person
  // must not get their QR code), but never the outbox of unsent shifts.
  document.querySelectorAll("form[data-logout]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (typeof VarvaOutbox === "undefined" || form.dataset.cleared) return;
      event.preventDefault();
      form.dataset.cleared = "1";
      const clear = Promise.all([VarvaOutbox.setState("profile", null), VarvaOutbox.setState("qr", null)]);
      Promise.race([clear, new Promise((resolve) => setTimeout(resolve, 1500))])
        .finally(() => form.submit());
    });
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
