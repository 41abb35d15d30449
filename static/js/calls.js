// Welcome calls without network: an outcome tapped offline waits in the outbox
// (outbox.js, keyed by the form's client_uuid) and goes to the server's JSON
// endpoint when the network returns. Online, the form posts as usual.
/* global VarvaOutbox */
(() => {
  const texts = document.getElementById("call-texts");
  if (!texts || typeof VarvaOutbox === "undefined") return;
  const endpoint = texts.dataset.endpoint;
  const text = (key, n) => texts.dataset[key].replace("{n}", n);
  const isCall = (record) => record.url === endpoint;

  // The form's fields as JSON: a field sent several times (checkboxes) becomes a list.
  function bodyOf(form, submitter) {
    const data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    const body = { target_id: Number(form.dataset.targetId) };
    for (const key of new Set(data.keys())) {
      const values = data.getAll(key).filter((value) => value !== "");
      if (key === "csrf_token" || !values.length) continue;
      body[key] = values.length > 1 ? values : values[0];
    }
    return body;
  }

  function requestSync() {
    if (!navigator.serviceWorker) return;
    navigator.serviceWorker.ready
      .then((registration) => registration.sync && registration.sync.register("outbox"))
      .catch(() => {});
  }

  async function keepOffline(event) {
    if (navigator.onLine) return; // online: the ordinary post
    event.preventDefault();
    const form = event.currentTarget;
    const body = bodyOf(form, event.submitter);
    const status = document.getElementById("call-offline");
    if (body.outcome === "call_back" && !body.call_back_at) {
      status.textContent = text("tNeedTime");
      return;
    }
    await VarvaOutbox.add(endpoint, body);
    form.hidden = true;
    document.querySelectorAll("[data-hide-offline]").forEach((el) => { el.hidden = true; });
    status.textContent = text("tSavedOffline");
    requestSync();
  }

  async function render() {
    const waiting = (await VarvaOutbox.all("outbox")).filter(isCall);
    const failed = (await VarvaOutbox.all("failed")).filter(isCall);
    const queue = document.getElementById("call-queue");
    if (queue) queue.textContent = waiting.length ? text("tWaiting", waiting.length) : "";
    const status = document.getElementById("call-offline");
    if (status && status.textContent && !waiting.length) status.textContent = text("tSent");
    renderFailed(failed);
  }

  function renderFailed(failed) {
    const list = document.getElementById("call-failed");
    if (!list) return;
    list.hidden = !failed.length;
    list.replaceChildren(...failed.map((record) => {
      const item = document.createElement("li");
      const what = document.createElement("span");
      what.textContent = `${text("tFailed")} ${Object.values(record.errors || {}).flat().join(" ")}`;
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "button secondary";
      discard.textContent = text("tDiscard");
      discard.addEventListener("click", async () => {
        await VarvaOutbox.remove("failed", record.id);
        await render();
      });
      item.append(what, discard);
      return item;
    }));
  }

  async function flush() {
    try {
      await VarvaOutbox.flush();
    } catch (error) { /* still no network: the outcomes wait */ }
    await render();
  }

  document.querySelectorAll("form[data-target-id]").forEach((form) => {
    form.addEventListener("submit", keepOffline);
  });
  window.addEventListener("online", flush);
  window.addEventListener("outbox-changed", render);
  flush();
})();
