// Progressive enhancement only: every page works without this file.
function shareOrCopy(button) {
  const input = document.querySelector(button.dataset.share);
  const status = button.parentElement.querySelector(".share-status");
  if (navigator.share) {
    navigator.share({ url: input.value }).catch(() => {});
    return;
  }
  navigator.clipboard.writeText(input.value).then(() => {
    status.textContent = button.dataset.copied;
  }, () => input.select());
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.copy").forEach((input) => {
    input.addEventListener("focus", () => input.select());
  });
  document.querySelectorAll("[data-share]").forEach((button) => {
    button.parentElement.hidden = false;
    button.addEventListener("click", () => shareOrCopy(button));
  });
});
