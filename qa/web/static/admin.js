/* The maintainer page (/admin). The token is kept in this tab's sessionStorage and sent as a header: it
   never appears in a URL. Every value from the server is inserted as text (textContent), never as HTML. */
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const KEY = "qa-admin-token";
  const STATES = {queued: "대기", running: "진행 중", done: "완료", failed: "실패"};
  let token = sessionStorage.getItem(KEY) || "";
  let timer = null;
  let lastDone = "";
  let replacing = null;

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function when(iso) {
    const d = new Date(iso);
    return isNaN(d) ? String(iso || "") : d.toLocaleString("ko-KR", {dateStyle: "short", timeStyle: "short"});
  }
  function row(cells) {
    const tr = document.createElement("tr");
    cells.forEach((c) => { const td = document.createElement("td"); if (c instanceof Node) td.appendChild(c); else td.textContent = c == null ? "" : String(c); tr.appendChild(td); });
    return tr;
  }
  async function api(path, options) {
    const opts = Object.assign({headers: {}}, options || {});
    opts.headers["Authorization"] = "Bearer " + token;
    const r = await fetch(path, opts);
    if (r.status === 401 || r.status === 403) { logout("토큰이 맞지 않습니다. 다시 입력해 주세요."); throw new Error("auth"); }
    return r;
  }
  async function detail(r) {
    try { const b = await r.json(); return b.detail || JSON.stringify(b); } catch (e) { return r.status + " " + r.statusText; }
  }
  function logout(message) {
    token = ""; sessionStorage.removeItem(KEY);
    $("qa-panel").hidden = true; $("qa-login").hidden = false;
    $("qa-login-status").textContent = message || "";
    if (timer) clearTimeout(timer);
    $("qa-token").focus();
  }
  async function login(event) {
    event.preventDefault();
    token = $("qa-token").value.trim();
    try {
      const r = await api("/api/admin/documents");
      if (!r.ok) { $("qa-login-status").textContent = await detail(r); return; }
    } catch (e) { return; }
    sessionStorage.setItem(KEY, token);
    $("qa-token").value = "";
    $("qa-login").hidden = true; $("qa-panel").hidden = false;
    $("h-upload").setAttribute("tabindex", "-1"); $("h-upload").focus();
    refresh();
  }

  async function loadDocs() {
    const r = await api("/api/admin/documents");
    const docs = await r.json();
    const body = $("qa-docs"); body.textContent = "";
    const ok = docs.filter((d) => d.status === "ok").length;
    $("qa-docs-count").textContent = "파일 " + docs.length + "개 · 색인됨 " + ok + "개 · 건너뜀 " + (docs.length - ok) + "개";
    docs.forEach((d) => {
      const result = d.status === "ok" ? el("span", "색인됨", "qa-ok") : el("span", "건너뜀: " + (d.reason || d.problem || ""), "qa-bad");
      const actions = document.createElement("span");
      if (d.doc_id) {
        const rep = el("button", "교체", "qa-secondary"); rep.type = "button";
        rep.setAttribute("aria-label", d.name + " 교체");
        rep.addEventListener("click", () => { replacing = d.doc_id; $("qa-replace-file").click(); });
        const del = el("button", "삭제", "qa-danger"); del.type = "button";
        del.setAttribute("aria-label", d.name + " 삭제");
        del.addEventListener("click", () => remove(d.doc_id, d.name));
        actions.append(rep, del);
      }
      body.appendChild(row([d.name, d.title || "", d.type, d.encoding || "", d.lines, d.tables, d.facts == null ? "" : d.facts, result, actions]));
    });
  }
  function progressCell(job) {
    const p = job.progress;
    if (job.state === "done") return el("span", "완료", "qa-ok");
    if (job.state === "failed") return el("span", "실패", "qa-bad");
    if (!p) return el("span", job.state === "queued" ? "대기 중" : "시작", "qa-muted");
    const wrap = document.createElement("span");
    const bar = document.createElement("progress");
    bar.max = Math.max(1, p.total); bar.value = Math.min(p.done, p.total);
    bar.setAttribute("aria-label", p.stage + " " + p.done + "/" + p.total);
    wrap.append(bar, el("span", " " + p.stage + " " + p.done + "/" + p.total + " " + p.unit));
    return wrap;
  }
  async function loadJobs() {
    const r = await api("/api/admin/jobs");
    const jobs = await r.json();
    const body = $("qa-jobs"); body.textContent = "";
    if (!jobs.length) body.appendChild(row(["작업이 없습니다.", "", "", "", "", ""]));
    jobs.forEach((j) => {
      const started = new Date(j.created * 1000).toLocaleTimeString("ko-KR");
      body.appendChild(row([started, j.reason, STATES[j.state] || j.state, progressCell(j), j.elapsed == null ? "" : j.elapsed + "초", j.message]));
    });
    const active = jobs.some((j) => j.state === "queued" || j.state === "running");
    const done = jobs.filter((j) => j.state === "done" || j.state === "failed").map((j) => j.job_id).join(",");
    if (done !== lastDone) { lastDone = done; loadDocs(); loadFeedback(); }
    return active;
  }
  async function loadFeedback() {
    const r = await api("/api/admin/feedback");
    const s = await r.json();
    const c = s.counts;
    $("qa-fb-counts").textContent = "못 찾은 질문 " + c.not_found + "건 · 도움 됨 " + c.up + "건 · 도움 안 됨 " + c.down + "건 · 의견 " + c.comments + "건 (보관 " + s.retention_days + "일)";
    const un = $("qa-unanswered"); un.textContent = "";
    if (!s.unanswered.length) un.appendChild(row(["아직 없습니다.", "", "", ""]));
    s.unanswered.forEach((u) => un.appendChild(row([u.question, u.count, when(u.last), u.rules.join(", ")])));
    const rec = $("qa-recent"); rec.textContent = "";
    if (!s.feedback.length) rec.appendChild(row(["아직 없습니다.", "", "", "", ""]));
    s.feedback.forEach((f) => rec.appendChild(row([when(f.time), f.rating === "up" ? "도움 됨" : "도움 안 됨", f.question, f.answer, f.comment])));
  }
  async function refresh() {
    if (timer) clearTimeout(timer);
    let active = false;
    try { await loadDocs(); active = await loadJobs(); await loadFeedback(); } catch (e) { if (e.message === "auth") return; }
    timer = setTimeout(poll, active ? 1000 : 10000);
  }
  async function poll() {
    let active = false;
    try { active = await loadJobs(); } catch (e) { if (e.message === "auth") return; }
    timer = setTimeout(poll, active ? 1000 : 10000);
  }

  async function upload(files, docId) {
    const list = $("qa-upload-list");
    for (const file of files) {
      const item = el("li", file.name + ": 올리는 중…");
      list.prepend(item);
      const form = new FormData();
      form.append("file", file, file.name);
      if (docId) form.append("doc_id", docId);
      else if ($("qa-replace").checked) form.append("replace", "true");
      try {
        const r = await api("/api/documents", {method: "POST", body: form});
        if (r.status === 202) {
          const b = await r.json();
          item.textContent = file.name + ": 저장됨 (" + b.file.name + ", " + b.file.lines + "행). 색인을 다시 만듭니다.";
          item.className = "qa-ok";
        } else {
          item.textContent = file.name + ": 거절됨 — " + await detail(r);
          item.className = "qa-bad";
        }
      } catch (e) { if (e.message === "auth") return; item.textContent = file.name + ": 올리지 못했습니다."; item.className = "qa-bad"; }
    }
    poll();
  }
  async function remove(docId, name) {
    if (!window.confirm(name + " 문서를 지울까요? 색인을 다시 만듭니다.")) return;
    const list = $("qa-upload-list");
    const item = el("li", name + ": 지우는 중…");
    list.prepend(item);
    try {
      const r = await api("/api/documents/" + encodeURIComponent(docId), {method: "DELETE"});
      item.textContent = r.status === 202 ? name + ": 지웠습니다. 색인을 다시 만듭니다." : name + ": " + await detail(r);
      item.className = r.status === 202 ? "qa-ok" : "qa-bad";
    } catch (e) { return; }
    poll();
  }
  async function csv() {
    try {
      const r = await api("/api/admin/feedback.csv");
      const url = URL.createObjectURL(await r.blob());
      const a = el("a"); a.href = url; a.download = "feedback.csv";
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 5000);
    } catch (e) { /* reported by api() */ }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("qa-login-form").addEventListener("submit", login);
    $("qa-logout").addEventListener("click", () => logout("나갔습니다."));
    $("qa-files").addEventListener("change", (e) => { upload(Array.from(e.target.files)); e.target.value = ""; });
    $("qa-replace-file").addEventListener("change", (e) => { const f = Array.from(e.target.files); e.target.value = ""; if (replacing && f.length) upload(f.slice(0, 1), replacing); replacing = null; });
    $("qa-csv").addEventListener("click", csv);
    const drop = $("qa-drop");
    ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add("qa-over"); }));
    ["dragleave", "drop"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.remove("qa-over"); }));
    drop.addEventListener("drop", (e) => upload(Array.from(e.dataTransfer.files)));
    if (token) { $("qa-login").hidden = true; $("qa-panel").hidden = false; refresh(); }
  });
})();
