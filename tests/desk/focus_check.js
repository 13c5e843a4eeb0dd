// Headless check of the call guide's « Dossier en cours ? » focus (issue 7 §1), outside pytest.
// The guide's buttons keep stable ids so that htmx, after swapping #resultats, focuses the new
// button with the id of the one that had the focus. This script answers with the keyboard's
// path (focus, then submit with the button as submitter) and prints where the focus is.
// Run: a server with a trainee `alice` (password below) on 127.0.0.1:8765, then
//   npm install jsdom@26 && node tests/desk/focus_check.js
// Expected: "oui focus on: dossier-AJPP-oui same node replaced: true aria-pressed: true …".
// jsdom lacks CSS.escape, typed-less XPath evaluation and requestSubmit: polyfilled below.
const { JSDOM, CookieJar } = require("jsdom");
const BASE = "http://127.0.0.1:8765";
(async () => {
  const jar = new CookieJar();
  const login = await JSDOM.fromURL(BASE + "/connexion/", { cookieJar: jar });
  const csrf = login.window.document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const cookie = await jar.getCookieString(BASE);
  const resp = await fetch(BASE + "/connexion/", {
    method: "POST", redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, Referer: BASE + "/connexion/" },
    body: new URLSearchParams({ csrfmiddlewaretoken: csrf, username: "alice", password: "motdepasse-solide-42" }),
  });
  for (const c of resp.headers.getSetCookie()) await jar.setCookie(c, BASE);
  const page = await fetch(BASE + "/guide/?q=ajpp", { headers: { Cookie: await jar.getCookieString(BASE) } });
  const dom = new JSDOM(await page.text(), { url: BASE + "/guide/?q=ajpp", cookieJar: jar, runScripts: "dangerously", resources: "usable", pretendToBeVisual: true,
    beforeParse(window) {
      // jsdom lacks two browser features htmx uses: XPath snapshots and requestSubmit.
      window.CSS = { escape: (value) => String(value).replace(/[^a-zA-Z0-9_-]/g, (c) => "\\" + c) };
      const create = window.XPathEvaluator.prototype.createExpression;
      window.XPathEvaluator.prototype.createExpression = function (...args) {
        const expression = create.apply(this, args);
        const evaluate = expression.evaluate.bind(expression);
        expression.evaluate = (node, type = 0, result = null) => evaluate(node, type, result);
        return expression;
      };
      window.HTMLFormElement.prototype.requestSubmit = function (submitter) {
        const event = new window.Event("submit", { bubbles: true, cancelable: true });
        Object.defineProperty(event, "submitter", { value: submitter });
        if (this.dispatchEvent(event)) this.submit();
      };
    } });
  await new Promise((r) => dom.window.addEventListener("load", r));
  const doc = dom.window.document;
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  console.log("htmx loaded:", typeof dom.window.htmx, "pending outcomes:", doc.querySelectorAll(".outcome").length);
  for (const answer of ["oui", "non"]) {
    const button = doc.getElementById(`dossier-AJPP-${answer}`);
    button.focus();
    // Keyboard activation of a focused button (Enter/Space) submits its form with it as
    // submitter; jsdom cannot run requestSubmit, so the submit event is dispatched as a browser does.
    const event = new dom.window.Event("submit", { bubbles: true, cancelable: true });
    Object.defineProperty(event, "submitter", { value: button });
    button.form.dispatchEvent(event);
    await wait(1500);
    const active = doc.activeElement;
    const pressed = doc.getElementById(`dossier-AJPP-${answer}`);
    console.log(answer, "focus on:", active && active.id, "same node replaced:", pressed !== button,
      "aria-pressed:", pressed.getAttribute("aria-pressed"),
      "action:", doc.querySelector('[data-code="AJPP"] .decision').dataset.action,
      "url:", dom.window.location.search);
  }
  dom.window.close();
})().catch((e) => { console.error(e); process.exit(1); });
