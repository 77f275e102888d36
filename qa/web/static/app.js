() => {
  /* The chat pages' small helpers (run once by Gradio, also inside the web component):
     - each message's accessible name is its text, in Korean ("답변: …"), not its HTML;
     - Gradio's English control names in Korean;
     - the copy and share buttons of an answer. */
  if (window.__qaHelpers) return;
  window.__qaHelpers = true;
  const NAMES = {"chatbot conversation": "대화 내용", "Like": "도움이 됐어요", "Dislike": "도움이 안 됐어요",
                 "좋아요": "도움이 됐어요", "싫어요": "도움이 안 됐어요", "Clear": "대화 지우기",
                 "Copy message": "메시지 복사", "Scroll down": "아래로", "Loading response": "답변을 찾는 중"};
  const text = (el) => (el ? el.innerText : "").replace(/\s+/g, " ").trim();
  function relabel(root) {
    root.querySelectorAll('[data-testid="bot"], [data-testid="user"]').forEach((el) => {
      const main = el.querySelector(".qa-text, .qa-question, .qa-typing");
      const prefix = el.getAttribute("data-testid") === "user" ? "질문: " : "답변: ";
      const want = prefix + text(main || el).slice(0, 300);
      if (el.getAttribute("aria-label") !== want) el.setAttribute("aria-label", want);
    });
    root.querySelectorAll("#qa-feedback-status").forEach((el) => {
      if (el.getAttribute("role") !== "status") el.setAttribute("role", "status");
    });
    root.querySelectorAll("[aria-label]").forEach((el) => {
      const name = NAMES[el.getAttribute("aria-label")];
      if (name) { el.setAttribute("aria-label", name); if (el.title) el.title = name; }
    });
  }
  let pending = false;
  const observer = new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; relabel(document); });
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                                   attributeFilter: ["aria-label"]});
  relabel(document);

  const shared = new URLSearchParams(location.search).get("q");
  if (shared && !document.querySelector("gradio-app[src]")) {  // a shared link: ask its question once
    const tryAsk = (left) => {
      const box = document.querySelector("#qa-question textarea");
      const button = document.querySelector("#qa-ask-btn");
      if (!box || !button) { if (left > 0) setTimeout(() => tryAsk(left - 1), 200); return; }
      box.value = shared.slice(0, 500);
      box.dispatchEvent(new Event("input", {bubbles: true}));
      setTimeout(() => button.click(), 100);
    };
    tryAsk(50);
  }

  let live = document.getElementById("qa-live");
  if (!live) {
    live = document.createElement("div");
    live.id = "qa-live"; live.className = "qa-sr"; live.setAttribute("role", "status");
    document.body.appendChild(live);
  }
  const announce = (msg) => { live.textContent = ""; setTimeout(() => { live.textContent = msg; }, 50); };
  async function copy(value) {
    try { await navigator.clipboard.writeText(value); return true; } catch (e) { /* not a secure context */ }
    const area = document.createElement("textarea");
    area.value = value; area.setAttribute("readonly", ""); area.style.position = "fixed"; area.style.opacity = "0";
    document.body.appendChild(area); area.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  }
  function appBase() {
    const app = document.querySelector("gradio-app[src]");
    if (app) return new URL(app.getAttribute("src"), location.href).origin + "/";
    return location.origin + location.pathname;
  }
  function questionOf(answer) {
    const bots = Array.from(document.querySelectorAll('[data-testid="bot"], [data-testid="user"]'));
    const at = bots.findIndex((el) => el.contains(answer));
    for (let i = at - 1; i >= 0; i--) {
      if (bots[i].getAttribute("data-testid") === "user") return text(bots[i].querySelector(".qa-question") || bots[i]);
    }
    return "";
  }
  function answerText(answer) {
    const lines = [text(answer.querySelector(".qa-text")).replace(/\s*\[\d+\].*$/, "")];
    answer.querySelectorAll(".qa-doc-group").forEach((g) => {
      const link = g.querySelector("a.qa-lines");
      lines.push("출처: " + text(g.querySelector(".qa-doc-title")) + (link ? " " + new URL(link.href, location.href).href : ""));
    });
    return lines.join("\n");
  }
  document.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest(".qa-copy, .qa-share");
    if (!button) return;
    const answer = button.closest(".qa-answer");
    if (!answer) return;
    event.preventDefault();
    const question = questionOf(answer);
    const original = button.dataset.label || button.textContent;
    button.dataset.label = original;
    if (button.classList.contains("qa-copy")) {
      const ok = await copy((question ? "질문: " + question + "\n" : "") + answerText(answer));
      announce(ok ? "답변을 복사했습니다." : "복사하지 못했습니다.");
      button.textContent = ok ? "복사했습니다" : "복사 실패";
      setTimeout(() => { button.textContent = original; }, 2000);
      return;
    }
    const url = appBase() + "?q=" + encodeURIComponent(question);
    if (navigator.share) {
      try { await navigator.share({title: "공고문 QA", text: question, url: url}); return; } catch (e) { /* cancelled */ }
    }
    const ok = await copy(url);
    announce(ok ? "이 질문의 링크를 복사했습니다." : "링크를 복사하지 못했습니다.");
    button.textContent = ok ? "링크 복사됨" : "공유 실패";
    setTimeout(() => { button.textContent = original; }, 2000);
  });
}
