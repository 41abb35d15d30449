// The shift screen: start, count with one thumb, end, save to the outbox.
// Everything lives on the phone (IndexedDB) until the server has it, so a
// reload, a dead battery saver or a stairwell without signal loses nothing.
/* global VarvaOutbox */
(() => {
  const app = document.getElementById("shift-app");
  if (!app) return;
  const $ = (id) => document.getElementById(id);
  const text = (key, values = {}) =>
    Object.entries(values).reduce((s, [k, v]) => s.replace(`{${k}}`, v), app.dataset[key]);
  const COUNTS = [...document.querySelectorAll("[data-count]")].map((b) => b.dataset.count);
  let active = null;
  let timer = null;
  // Started from an activity (/pass?aktivitet=…): its kind, place, campaign,
  // municipality and the others signed up fill the form; the shift is linked.
  let prefill = readPrefill();
  let wakeLock = null;

  function show(section) {
    for (const id of ["start", "count", "summary", "saved"]) $(id).hidden = id !== section;
  }

  const saveActive = () => VarvaOutbox.setState("active", active);

  // --- the member's own details, from the server when online -------------------------
  async function loadProfile() {
    try {
      const response = await fetch("/api/me", { headers: { Accept: "application/json" } });
      if (response.ok) {
        const profile = await response.json();
        await VarvaOutbox.setState("profile", profile);
        const qr = await fetch(profile.qr_url);
        if (qr.ok) await VarvaOutbox.setState("qr", await qr.blob());
      }
    } catch (error) { /* offline: use what the phone has */ }
    return (await VarvaOutbox.getState("profile")) || null;
  }

  // Names of the others stay in the page only, never in IndexedDB.
  async function loadCompanions() {
    try {
      const response = await fetch("/api/companions", { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const list = $("companion-list");
      for (const member of (await response.json()).members) {
        const label = document.createElement("label");
        label.className = "field check";
        const box = document.createElement("input");
        Object.assign(box, { type: "checkbox", name: "companion", value: member.id });
        label.append(box, ` ${member.name}`);
        list.append(label);
      }
    } catch (error) {
      $("companion-offline").hidden = false;
    }
  }

  function fillSelect(select, items, selected) {
    for (const item of items) {
      const option = new Option(item.name, item.id, false, item.id === selected);
      select.add(option);
    }
  }

  // --- starting from an activity ---------------------------------------------------------
  function readPrefill() {
    const params = new URLSearchParams(window.location.search);
    const activity = Number(params.get("aktivitet"));
    if (!activity) return null;
    return {
      activity, kind: params.get("slag"), place: (params.get("plats") || "").slice(0, 60),
      campaign: Number(params.get("kampanj")) || null,
      municipality: Number(params.get("kommun")) || null,
      companions: (params.get("med") || "").split(",").map(Number).filter(Boolean),
    };
  }

  function applyPrefill() {
    if (!prefill) return;
    const form = $("start-form");
    const kind = [...form.querySelectorAll("input[name=kind]")].find((r) => r.value === prefill.kind);
    if (kind) kind.checked = true;
    form.place.value = prefill.place;
    if (prefill.campaign) form.campaign.value = String(prefill.campaign);
    if (prefill.municipality) form.municipality.value = String(prefill.municipality);
    $("from-activity").hidden = false;
  }

  function checkCompanions() {
    if (!prefill || !prefill.companions.length) return;
    for (const box of document.querySelectorAll("input[name=companion]")) {
      if (prefill.companions.includes(Number(box.value))) box.checked = true;
    }
    $("companions").open = true;
  }

  function forgetPrefill() {
    prefill = null;
    $("from-activity").hidden = true;
    if (window.location.search) window.history.replaceState(null, "", window.location.pathname);
  }

  // --- starting -----------------------------------------------------------------------
  function startShift(event) {
    event.preventDefault();
    const form = event.target;
    const place = form.place.value.trim();
    if (!place) {
      $("start-error").textContent = text("tPlaceMissing");
      $("start-error").hidden = false;
      form.place.focus();
      return;
    }
    $("start-error").hidden = true;
    const counts = Object.fromEntries(COUNTS.map((name) => [name, 0]));
    active = {
      client_uuid: crypto.randomUUID(), member_id: Number(app.dataset.memberId),
      kind: form.kind.value, kind_label: form.querySelector("input[name=kind]:checked").parentElement.textContent.trim(),
      place, municipality_id: Number(form.municipality.value) || null,
      campaign_id: Number(form.campaign.value) || null,
      companions: [...form.querySelectorAll("input[name=companion]:checked")].map((c) => Number(c.value)),
      activity_id: prefill ? prefill.activity : null,
      started_at: new Date().toISOString(), ended_at: null, counts, taps: [],
    };
    forgetPrefill();
    saveActive().then(showCounting);
  }

  // --- counting -----------------------------------------------------------------------
  function showCounting() {
    $("count-kind").textContent = active.kind_label;
    $("count-place").textContent = active.place;
    for (const name of COUNTS) document.querySelector(`[data-value=${name}]`).textContent = active.counts[name];
    $("undo").disabled = !active.taps.length;
    clearInterval(timer);
    timer = setInterval(tick, 1000);
    tick();
    show("count");
  }

  function tick() {
    const seconds = Math.floor((Date.now() - Date.parse(active.started_at)) / 1000);
    const h = Math.floor(seconds / 3600);
    const m = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
    const s = String(seconds % 60).padStart(2, "0");
    $("timer").textContent = h ? `${h}:${m}:${s}` : `${Number(m)}:${s}`;
  }

  function tap(name, step) {
    active.counts[name] = Math.max(0, active.counts[name] + step);
    const value = document.querySelector(`[data-value=${name}]`);
    value.textContent = active.counts[name];
    const button = value.closest("button");
    button.classList.remove("bump");
    void button.offsetWidth; // restart the animation
    button.classList.add("bump");
    $("tap-feedback").textContent = `${button.querySelector(".counter-label").textContent}: ${active.counts[name]}`;
    $("undo").disabled = !active.taps.length;
    if (navigator.vibrate) navigator.vibrate(15);
    saveActive();
  }

  function onCounter(event) {
    const name = event.currentTarget.dataset.count;
    active.taps.push(name);
    tap(name, 1);
  }

  function undo() {
    const name = active.taps.pop();
    if (name) tap(name, -1);
  }

  async function toggleStand() {
    const on = $("stand").getAttribute("aria-pressed") !== "true";
    $("stand").setAttribute("aria-pressed", String(on));
    const qr = await VarvaOutbox.getState("qr");
    const profile = await VarvaOutbox.getState("profile");
    if (on && qr) $("qr-img").src = URL.createObjectURL(qr);
    $("stand-qr").hidden = !(on && qr);
    $("stand-url").hidden = !(on && profile);
    if (profile) $("stand-url").textContent = profile.short_url;
    if (on && navigator.wakeLock) {
      wakeLock = await navigator.wakeLock.request("screen").catch(() => null);
    } else if (wakeLock) {
      wakeLock.release();
      wakeLock = null;
    }
  }

  // --- ending and saving ----------------------------------------------------------------
  function endShift() {
    active.ended_at = new Date().toISOString();
    clearInterval(timer);
    saveActive().then(showSummary);
  }

  function showSummary() {
    const list = $("summary-list");
    list.replaceChildren();
    const minutes = Math.round((Date.parse(active.ended_at) - Date.parse(active.started_at)) / 60000);
    const rows = [[text("tDuration"), `${minutes} min`], ...COUNTS.map((name) => [
      document.querySelector(`[data-count=${name}] .counter-label`).textContent, active.counts[name]])];
    for (const [label, value] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.textContent = value;
      list.append(dt, dd);
    }
    const tooMany = active.counts.doors_opened > active.counts.doors_knocked;
    $("summary-error").textContent = tooMany ? text("tOpenedTooMany") : "";
    $("summary-error").hidden = !tooMany;
    $("save").disabled = tooMany;
    show("summary");
  }

  function resume() {
    active.ended_at = null;
    saveActive().then(showCounting);
  }

  async function save() {
    const body = {
      client_uuid: active.client_uuid, member_id: active.member_id, kind: active.kind,
      place: active.place, municipality_id: active.municipality_id,
      campaign_id: active.campaign_id, companions: active.companions || [],
      activity_id: active.activity_id || null,
      started_at: active.started_at,
      ended_at: active.ended_at, note: $("note").value.trim() || null, ...active.counts,
    };
    await VarvaOutbox.add("/api/shifts", body);
    await VarvaOutbox.setState("active", null);
    active = null;
    $("note").value = "";
    $("saved-status").textContent = text("tSavedOffline");
    show("saved");
    requestSync();
    await flush();
    const waiting = (await VarvaOutbox.all("outbox")).some((r) => r.id === body.client_uuid);
    if (!waiting) $("saved-status").textContent = text("tSavedSent");
  }

  function requestSync() {
    if (!navigator.serviceWorker) return;
    navigator.serviceWorker.ready
      .then((registration) => registration.sync && registration.sync.register("outbox"))
      .catch(() => {});
  }

  // --- the queue ------------------------------------------------------------------------
  async function flush() {
    try {
      await VarvaOutbox.flush();
    } catch (error) { /* no network: the records wait */ }
    await renderQueue();
  }

  async function renderQueue() {
    const waiting = await VarvaOutbox.all("outbox");
    const lastSent = await VarvaOutbox.getState("lastSent");
    // "All sent" only once something was: before the first shift there is nothing to say.
    let status = "";
    if (waiting.length) status = text("tWaiting", { n: waiting.length });
    else if (lastSent) status = text("tNoneWaiting");
    if (lastSent) {
      const when = new Date(lastSent).toLocaleString(document.documentElement.lang, {
        dateStyle: "short", timeStyle: "short" });
      status += ` ${text("tLastSent", { when })}`;
    }
    $("queue").textContent = status;
    $("login-needed").hidden = !(waiting.length && (await VarvaOutbox.getState("needsLogin")));
    renderFailed((await VarvaOutbox.all("failed")).filter((r) => r.url === "/api/shifts"));
  }

  function renderFailed(failed) {
    $("failed").hidden = !failed.length;
    const list = $("failed-list");
    list.replaceChildren();
    for (const record of failed) {
      const item = document.createElement("li");
      const what = document.createElement("span");
      const errors = Object.values(record.errors || {}).flat().join(" ");
      what.textContent = `${record.body.place} (${record.body.started_at.slice(0, 10)}): ${errors}`;
      const retry = button(text("tRetry"), async () => {
        await VarvaOutbox.retryFailed(record.id);
        await flush();
      });
      const discard = button(text("tDiscard"), async () => {
        if (window.confirm(text("tDiscardConfirm"))) {
          await VarvaOutbox.remove("failed", record.id);
          await renderQueue();
        }
      });
      item.append(what, retry, discard);
      list.append(item);
    }
  }

  function button(label, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "button secondary";
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  // --- start-up -------------------------------------------------------------------------
  async function init() {
    $("start-form").addEventListener("submit", startShift);
    document.querySelectorAll("[data-count]").forEach((b) => b.addEventListener("click", onCounter));
    $("undo").addEventListener("click", undo);
    $("stand").addEventListener("click", toggleStand);
    $("end").addEventListener("click", endShift);
    $("resume").addEventListener("click", resume);
    $("save").addEventListener("click", save);
    $("new-shift").addEventListener("click", () => show("start"));
    window.addEventListener("online", flush);
    window.addEventListener("outbox-changed", renderQueue);
    if (navigator.serviceWorker) navigator.serviceWorker.addEventListener("message", renderQueue);
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});

    active = (await VarvaOutbox.getState("active")) || null;
    if (active && active.ended_at) showSummary();
    else if (active) showCounting();
    else show("start");
    const startButton = $("start-form").querySelector("button");
    startButton.disabled = true;
    const profile = await loadProfile();
    if (!profile) {
      $("start-error").textContent = text("tNeedProfile");
      $("start-error").hidden = false;
    } else {
      startButton.disabled = false;
      app.dataset.memberId = profile.member_id;
      fillSelect($("municipality"), profile.municipalities, profile.municipality_id);
      fillSelect($("campaign"), profile.campaigns, null);
    }
    applyPrefill();
    loadCompanions().then(checkCompanions);
    await flush();
  }

  init();
})();
