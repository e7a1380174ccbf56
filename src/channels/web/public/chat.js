// The web chat page (index.html loads this file as a module; its parts are in chat/). Talks to
// Botkit's web adapter over a websocket (/ws) and falls back to Botkit's webhook (POST
// /api/web/messages) where websockets are blocked. The 📷 button sends a photo to POST
// /api/photo-check (the ID-photo check). All text is inserted with textContent, never as HTML.
//
//   chat/store.js      localStorage and the visit's state (the token that names the conversation)
//   chat/text.js       a reply's text as shown: no number hints, 【来源】 lines as links
//   chat/log.js        the page's elements, the bubbles, typing, error and connection lines
//   chat/messages.js   the assistant's replies and their choice buttons
//   chat/verdict.js    the verdict card (kept per conversation, so a reload shows it again)
//   chat/checklist.js  the card's checklist: ticks kept per conversation, copy and print
//   chat/outbox.js     messages sent one at a time, with their states, answered once
//   chat/net.js        the connection's state, backoff and the webhook's POST
//   chat/transport.js  the websocket, reconnecting, and the switch to the webhook
//   chat/photo.js      the photo check
//
// This file wires them together: the composer, 新对话, and the start (history, then connect).
import { ticksKey } from './chat/checklist.js';
import { addUser, errorBox, input, log, scrollToBottom, setTyping, showConnection, showError } from './chat/log.js';
import { addBot, onChoice } from './chat/messages.js';
import { backoff, conn } from './chat/net.js';
import { resetOutbox, send } from './chat/outbox.js';
import './chat/photo.js';
import { newUser, session, storageRemove } from './chat/store.js';
import { connect, reconnectAsNewVisitor } from './chat/transport.js';
import { keptVerdict, verdictsKey } from './chat/verdict.js';

var form = document.getElementById('composer');
var newChat = document.getElementById('new-chat');

// A click on one of a reply's choices sends it, as if typed.
onChoice(send);

// ---------------------------------------------------------------- the composer

form.addEventListener('submit', function (e) {
  e.preventDefault();
  if (send(input.value)) input.value = '';
  input.focus();
});
// A paste past the limit is said at once, before anything is sent.
input.addEventListener('input', function () {
  if (input.value.length > session.maxTextLength)
    showError('消息太长了：共 ' + input.value.length + ' 个字，最多 ' + session.maxTextLength + ' 个字。请精简后再发。');
  else if (/^消息太长了/.test(errorBox.textContent)) showError('');
});

// 新对话: a new token is a new conversation; the old one's verdicts and ticks are forgotten here.
newChat.addEventListener('click', function () {
  storageRemove(verdictsKey());
  storageRemove(ticksKey());
  newUser();
  resetOutbox();
  Array.from(log.querySelectorAll('.msg')).forEach(function (m) {
    m.remove();
  });
  setTyping(false);
  showError('');
  conn.greeted = false;
  // A socket serves one visitor: the new one needs its own.
  reconnectAsNewVisitor();
  input.focus();
});

// ---------------------------------------------------------------- start

function showHistory(h) {
  if (typeof h.maxTextLength === 'number') session.maxTextLength = h.maxTextLength;
  var turns = h.turns || [];
  turns.forEach(function (t, i) {
    if (t.text) addUser(t.text, t.at);
    var next = turns[i + 1];
    t.replies.forEach(function (r, j) {
      var last = j === t.replies.length - 1;
      // The history keeps the verdict's text only; its card comes back from this browser's copy.
      var verdict = last ? keptVerdict(r.text) : null;
      var opts = { at: t.at, intent: t.intent, verdict: verdict, fromHistory: true };
      if (r.choices && r.choices.length) {
        if (i === turns.length - 1) opts.choices = r.choices;
        else if (next && r.choices.indexOf(next.text) >= 0) {
          opts.choices = r.choices;
          opts.picked = next.text;
        }
      }
      addBot(r.text, opts);
    });
  });
  conn.greeted = turns.length > 0;
  scrollToBottom();
}

var sourcesLoaded = fetch('sources.json')
  .then(function (r) {
    return r.ok ? r.json() : [];
  })
  .then(
    function (list) {
      session.sourceIndex = Array.isArray(list) ? list : [];
    },
    function () {
      /* titles stay plain text */
    },
  );

function start() {
  fetch('api/web/history', { headers: { 'X-Web-Token': session.user }, cache: 'no-store' })
    .then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    })
    .then(function (h) {
      return sourcesLoaded.then(function () {
        showConnection('');
        showHistory(h);
        connect();
      });
    })
    .catch(function () {
      showConnection('无法连接服务器，正在重试…');
      setTimeout(start, backoff());
    });
}
start();
