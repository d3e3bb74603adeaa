/* Quizzes in the static book: no kernel, no network, no dependencies.
 *
 * - Grading: CSTOQuiz.grade(question, answer) follows csto_course/quiz/grading.py
 *   exactly (tests/quiz_cases.yml runs the same cases through both).
 * - Enhancing: every <div class="csto-quiz"> rendered by csto_course/quiz/html.py
 *   gets working "Check answer" buttons, move up/down for ordering, feedback.
 * - Progress: answers are kept in this browser's localStorage only, and every
 *   <div class="csto-quiz-progress"> shows progress per chapter with reset buttons.
 */
(function () {
  "use strict";

  var STORE = "csto-quiz:v1:";
  var CORRECT = "Correct.", NOT_QUITE = "Not quite.", NO_ANSWER = "No answer yet.";
  var NOT_A_NUMBER = "Please type a number, such as 2000 or 2.5.";
  var NUMBER = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
  var SEPARATORS = /[, \t\n\r\u00a0\u2009\u202f]/g; // same set as grading.py
  // The site root: quiz.js lives in <root>/_static/ (manifest URLs are relative to it).
  var SCRIPT = document.currentScript;
  var ROOT = SCRIPT ? new URL("..", SCRIPT.src) : new URL(".", location.href);

  /* ---------- grading (mirror of grading.py) ---------- */

  function result(score, correct, answered, message, feedback) {
    return { score: score, correct: correct, answered: answered, message: message, feedback: feedback || {} };
  }
  function unanswered(message) { return result(0, false, false, message || NO_ANSWER); }
  function isObject(x) { return x !== null && typeof x === "object" && !Array.isArray(x); }

  function gradeOne(q, answer) {
    if (answer === true || answer === false) answer = String(answer);
    var opt = null;
    q.options.forEach(function (o) { if (o.id === answer) opt = o; });
    if (!opt) return unanswered();
    var ok = answer === q.answer, fb = {};
    fb[answer] = { ok: ok, text: opt.feedback };
    return result(ok ? 1 : 0, ok, true, ok ? CORRECT : NOT_QUITE, fb);
  }

  function gradeMultiple(q, answer) {
    if (typeof answer === "string") answer = [answer];
    var given = Array.isArray(answer) ? answer : [];
    var chosen = q.options.filter(function (o) { return given.indexOf(o.id) >= 0; });
    if (!chosen.length) return unanswered();
    var hits = 0, fb = {};
    chosen.forEach(function (o) {
      var right = q.answer.indexOf(o.id) >= 0;
      if (right) hits += 1;
      fb[o.id] = { ok: right, text: o.feedback };
    });
    var wrong = chosen.length - hits, n = q.answer.length;
    var ok = hits === n && wrong === 0;
    var message = ok ? CORRECT : "Not quite: " + hits + " of " + n + " right options chosen" +
      (wrong ? ", " + wrong + " wrong" : "") + ".";
    return result(Math.max(0, (hits - wrong) / n), ok, true, message, fb);
  }

  function parseNumber(value) {
    if (typeof value === "number") return isFinite(value) ? value : null;
    if (typeof value !== "string") return null;
    var text = value.replace(SEPARATORS, "");
    return NUMBER.test(text) ? Number(text) : null;
  }

  function gradeNumeric(q, answer) {
    if (answer === null || answer === undefined || (typeof answer === "string" && !answer.replace(SEPARATORS, ""))) return unanswered();
    var value = parseNumber(answer);
    if (value === null) return unanswered(NOT_A_NUMBER);
    var target = q.answer;
    var ok = Math.abs(value - target) <= (q.tolerance || 0) + 1e-9 * Math.max(1, Math.abs(target));
    var hint = "";
    (q.ranges || []).some(function (r) { if (r.min <= value && value <= r.max) { hint = r.feedback; return true; } return false; });
    var message = ok ? CORRECT : (value > target ? "Not quite: too high." : "Not quite: too low.");
    return result(ok ? 1 : 0, ok, true, message, { value: { ok: ok, text: hint } });
  }

  function gradeOrder(q, answer) {
    if (!Array.isArray(answer) || !answer.length) return unanswered();
    var fb = {}, right = 0;
    q.items.forEach(function (item, pos) {
      var ok = pos < answer.length && answer[pos] === q.answer[pos];
      if (ok) right += 1;
      fb[q.answer[pos]] = { ok: ok, text: item.feedback || "" };
    });
    var n = q.answer.length, ok = right === n;
    return result(right / n, ok, true, ok ? CORRECT : "Not quite: " + right + " of " + n + " in the right place.", fb);
  }

  function gradeMatch(q, answer) {
    var given = isObject(answer) ? answer : {};
    var any = q.items.some(function (i) { return !!given[i.id]; });
    if (!any) return unanswered();
    var fb = {}, right = 0;
    q.items.forEach(function (i) {
      var ok = given[i.id] ? given[i.id] === i.answer : false;
      if (ok) right += 1;
      fb[i.id] = given[i.id] ? { ok: ok, text: i.feedback } : { ok: false, text: "No answer chosen." };
    });
    var n = q.items.length;
    return result(right / n, right === n, true, right === n ? CORRECT : "Not quite: " + right + " of " + n + " matched correctly.", fb);
  }

  var GRADERS = { single: gradeOne, truefalse: gradeOne, multiple: gradeMultiple,
                  numeric: gradeNumeric, order: gradeOrder, match: gradeMatch };

  function grade(question, answer) { return GRADERS[question.type](question, answer); }

  /* ---------- storage: this browser only ---------- */

  function load(bankId) {
    try { return JSON.parse(localStorage.getItem(STORE + bankId)) || { answers: {}, results: {} }; }
    catch (e) { return { answers: {}, results: {} }; }
  }
  function save(bankId, state) {
    try { localStorage.setItem(STORE + bankId, JSON.stringify(state)); } catch (e) { /* storage off: still works */ }
  }
  function clear(bankId) {
    try { localStorage.removeItem(STORE + bankId); } catch (e) { /* nothing stored */ }
  }

  /* ---------- one quiz on a page ---------- */

  function $(root, sel) { return root.querySelector(sel); }
  function $$(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }

  function readAnswer(form, q) {
    switch (q.type) {
      case "single": case "truefalse":
        var on = $(form, "input:checked");
        return on ? on.value : null;
      case "multiple":
        return $$(form, "input:checked").map(function (i) { return i.value; });
      case "numeric":
        return $(form, "input").value;
      case "order":
        return $$(form, ".csto-order-item").map(function (li) { return li.dataset.item; });
      case "match":
        var out = {};
        $$(form, "select").forEach(function (s) { out[s.dataset.item] = s.value; });
        return out;
    }
  }

  function writeAnswer(form, q, answer) {
    switch (q.type) {
      case "single": case "truefalse": case "multiple":
        var picked = [].concat(answer);
        $$(form, "input").forEach(function (i) { i.checked = picked.indexOf(i.value) >= 0; });
        break;
      case "numeric":
        $(form, "input").value = answer;
        break;
      case "order":
        var list = $(form, ".csto-order");
        answer.forEach(function (id) {
          var li = $$(list, ".csto-order-item").filter(function (x) { return x.dataset.item === id; })[0];
          if (li) list.appendChild(li);
        });
        break;
      case "match":
        $$(form, "select").forEach(function (s) { s.value = answer[s.dataset.item] || ""; });
        break;
    }
  }

  function fbSlot(form, key) {
    // Feedback slots sit next to their option/item: id "<form id>--<key>--fb".
    return document.getElementById(form.id + "--" + key + "--fb");
  }

  function show(form, q, res) {
    $$(form, ".csto-fb").forEach(function (s) { s.hidden = true; s.textContent = ""; s.className = "csto-fb"; });
    Object.keys(res.feedback).forEach(function (key) {
      var fb = res.feedback[key], slot = fbSlot(form, key);
      if (!slot) return;
      slot.textContent = (fb.ok ? "✓ Correct" : "✗ Not quite") + (fb.text ? ": " + fb.text : "");
      slot.className = "csto-fb " + (fb.ok ? "csto-ok" : "csto-no");
      slot.hidden = false;
    });
    var box = $(form, ".csto-result");
    var icon = res.correct ? "✓ " : (res.answered ? "✗ " : "");
    box.textContent = icon + res.message;
    box.className = "csto-result " + (res.correct ? "csto-ok" : res.answered ? "csto-no" : "");
    form.dataset.state = !res.answered ? "" : res.correct ? "correct" : res.score > 0 ? "partial" : "wrong";
    $(form, ".csto-after").hidden = !res.answered;
  }

  function enhanceQuiz(root) {
    var data = JSON.parse($(root, "script.csto-quiz-data").textContent);
    var bankId = data.bank;
    var byId = {};
    data.questions.forEach(function (q) { byId[q.id] = q; });
    root.classList.add("csto-js");
    var footer = $(root, ".csto-quiz-footer");
    footer.hidden = false;

    function updateScore() {
      var state = load(bankId), answered = 0, right = 0;
      data.questions.forEach(function (q) {
        var r = state.results[q.id];
        if (r && r.answered) { answered += 1; if (r.correct) right += 1; }
      });
      $(root, ".csto-quiz-score").textContent = "Your progress: " + right + " of " + data.questions.length +
        " correct (" + answered + " answered). Saved in this browser only.";
    }

    function check(form, remember) {
      var q = byId[form.dataset.qid], answer = readAnswer(form, q), res = grade(q, answer);
      show(form, q, res);
      if (remember) {
        var state = load(bankId);
        if (res.answered) {
          state.answers[q.id] = answer;
          state.results[q.id] = { answered: true, correct: res.correct, score: res.score };
        } else {
          delete state.answers[q.id];
          delete state.results[q.id];
        }
        save(bankId, state);
        updateScore();
      }
    }

    var shownOrder = {}; // each order question's list as first shown, for "Clear"
    $$(root, "form.csto-q").forEach(function (form) {
      var q = byId[form.dataset.qid];
      form.addEventListener("submit", function (ev) { ev.preventDefault(); check(form, true); });
      if (q.type === "order") {
        shownOrder[q.id] = readAnswer(form, q);
        enhanceOrder(form);
      }
    });

    $(root, ".csto-quiz-reset").addEventListener("click", function () {
      clear(bankId);
      $$(root, "form.csto-q").forEach(function (form) {
        form.reset();
        var q = byId[form.dataset.qid];
        if (q.type === "order") writeAnswer(form, q, shownOrder[q.id]);
        show(form, q, unanswered(""));
        $(form, ".csto-result").textContent = "";
      });
      updateScore();
      $(root, ".csto-quiz-score").textContent += " Your answers were cleared.";
    });

    // Bring back what this student answered before, with its feedback.
    var state = load(bankId);
    $$(root, "form.csto-q").forEach(function (form) {
      var q = byId[form.dataset.qid], answer = state.answers[q.id];
      if (answer === undefined || answer === null) return;
      writeAnswer(form, q, answer);
      check(form, false);
    });
    updateScore();
  }

  function enhanceOrder(form) {
    var list = $(form, ".csto-order"), status = $(form, ".csto-order-status");
    list.addEventListener("click", function (ev) {
      var button = ev.target.closest("button");
      if (!button) return;
      var li = button.closest(".csto-order-item"), up = button.classList.contains("csto-up");
      var sibling = up ? li.previousElementSibling : li.nextElementSibling;
      var text = $(li, ".csto-order-text").textContent;
      if (!sibling) {
        status.textContent = "Already " + (up ? "first" : "last") + ": " + text;
        return;
      }
      list.insertBefore(li, up ? sibling : sibling.nextElementSibling);
      button.focus(); // moving the node can drop focus; keep it on the same button
      var items = $$(list, ".csto-order-item");
      status.textContent = "Moved to position " + (items.indexOf(li) + 1) + " of " + items.length + ": " + text;
    });
  }

  /* ---------- progress summary (landing page) ---------- */

  function renderProgress(el) {
    var banks = window.CSTO_QUIZ_MANIFEST || [];
    el.textContent = "";
    var h = document.createElement("p");
    h.className = "csto-progress-note";
    h.textContent = "Your quiz progress is kept in this browser only; nothing is sent anywhere.";
    el.appendChild(h);
    if (!banks.length) {
      var none = document.createElement("p");
      none.textContent = "No quizzes yet.";
      el.appendChild(none);
      return;
    }
    var table = document.createElement("table");
    table.className = "csto-progress-table";
    table.innerHTML = "<caption>Quiz progress by chapter</caption><thead><tr><th scope=\"col\">Chapter</th>" +
      "<th scope=\"col\">Answered</th><th scope=\"col\">Correct</th><th scope=\"col\">Status</th>" +
      "<th scope=\"col\">Reset</th></tr></thead>";
    var body = document.createElement("tbody");
    var status = document.createElement("p");
    status.className = "csto-progress-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    banks.forEach(function (b) {
      var state = load(b.id), answered = 0, right = 0;
      b.questions.forEach(function (qid) {
        var r = state.results[qid];
        if (r && r.answered) { answered += 1; if (r.correct) right += 1; }
      });
      var n = b.questions.length, name = b.page_title || b.title;
      var tr = document.createElement("tr");
      tr.dataset.bank = b.id;
      var th = document.createElement("th");
      th.scope = "row";
      var a = document.createElement("a");
      a.href = new URL(b.url, ROOT).href;
      a.textContent = name;
      th.appendChild(a);
      tr.appendChild(th);
      [answered + " of " + n, right + " of " + n,
       right === n ? "✓ Complete" : answered ? "In progress" : "Not started"].forEach(function (text, k) {
        var td = document.createElement("td");
        td.className = ["csto-answered", "csto-correct", "csto-status"][k];
        td.textContent = text;
        tr.appendChild(td);
      });
      var td = document.createElement("td"), button = document.createElement("button");
      button.type = "button";
      button.className = "csto-progress-reset";
      button.textContent = "Reset";
      button.setAttribute("aria-label", "Reset progress for " + name);
      button.addEventListener("click", function () {
        clear(b.id);
        renderAll();
        var again = document.querySelector(".csto-quiz-progress tr[data-bank=\"" + b.id + "\"] .csto-progress-reset");
        if (again) again.focus();
        announce("Progress for " + name + " cleared.");
      });
      td.appendChild(button);
      tr.appendChild(td);
      body.appendChild(tr);
    });
    table.appendChild(body);
    el.appendChild(table);
    var all = document.createElement("button");
    all.type = "button";
    all.className = "csto-progress-reset-all";
    all.textContent = "Reset all quiz progress";
    all.addEventListener("click", function () {
      banks.forEach(function (b) { clear(b.id); });
      renderAll();
      var again = document.querySelector(".csto-progress-reset-all");
      if (again) again.focus();
      announce("All quiz progress cleared.");
    });
    el.appendChild(all);
    el.appendChild(status);
  }

  function announce(text) {
    $$(document, ".csto-progress-status").forEach(function (s) { s.textContent = text; });
  }

  function renderAll() { $$(document, ".csto-quiz-progress").forEach(renderProgress); }

  function start() {
    $$(document, ".csto-quiz").forEach(function (root) {
      try { enhanceQuiz(root); } catch (e) { if (window.console) console.error("csto-quiz:", e); }
    });
    renderAll();
    // Another tab answered or reset: keep the summary current.
    window.addEventListener("storage", function (ev) { if (!ev.key || ev.key.indexOf(STORE) === 0) renderAll(); });
  }

  window.CSTOQuiz = { grade: grade, parseNumber: parseNumber, storageKey: function (id) { return STORE + id; } };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
