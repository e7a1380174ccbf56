// Messages go out through an outbox, one at a time. Each has a client id, sent as its
// idempotencyKey, so a message resent after a dropped connection is answered once; the server
// names that id in every reply (replyTo) and marks the turn's last reply (final). A message waits
// in the outbox while the page is offline and goes out when the connection is back (transport.js);
// each shows its state (发送中 / 等待网络 / 已发送 / 发送失败 with 重试).
import { addUser, disableOldChoices, el, input, setTyping, showConnection, showError } from './log.js';
import { addBot } from './messages.js';
import { backoff, conn, post, REFUSALS } from './net.js';
import { randomHex, session } from './store.js';
import { keepVerdict } from './verdict.js';

var ACK_TIMEOUT_MS = 15000;
var MAX_AUTO_TRIES = 3;

export var outbox = []; // messages not yet answered, oldest first
var inflight = null; // the one sent and waiting for its answer
var answered = {}; // client ids whose answer arrived (a replayed answer is not shown twice)
var ackTimer = null;

// 新对话: the old conversation's messages are dropped, waiting or not.
export function resetOutbox() {
  outbox = [];
  inflight = null;
  answered = {};
  clearTimeout(ackTimer);
}

var STATE_LABELS = { sending: '发送中…', queued: '等待网络，恢复后自动发送', sent: '已发送', failed: '发送失败' };
export function setState(item, state, reason) {
  item.state = state;
  var div = item.el;
  div.dataset.state = state;
  var meta = div.querySelector('.meta');
  var s = meta.querySelector('.state');
  if (!s) {
    s = el('span', 'state');
    meta.appendChild(s);
  }
  s.textContent = STATE_LABELS[state] + (reason ? '：' + reason : '');
  var retry = meta.querySelector('.retry');
  if (state === 'failed' && !retry) {
    retry = el('button', 'retry', '重试');
    retry.type = 'button';
    retry.setAttribute('aria-label', '重试：重新发送“' + item.text + '”');
    retry.addEventListener('click', function () {
      retry.remove();
      item.tries = 0;
      showError('');
      outbox.push(item);
      setState(item, 'queued');
      pump();
      input.focus();
    });
    meta.appendChild(retry);
  } else if (state !== 'failed' && retry) {
    retry.remove();
  }
}

export function send(text) {
  text = String(text).trim();
  if (!text) return false;
  if (text.length > session.maxTextLength) {
    showError('消息太长了：共 ' + text.length + ' 个字，最多 ' + session.maxTextLength + ' 个字。请精简后再发，没有发送。');
    return false;
  }
  showError('');
  disableOldChoices();
  var item = { id: randomHex(16), text: text, tries: 0 };
  item.el = addUser(text);
  item.el.dataset.clientId = item.id;
  outbox.push(item);
  setState(item, 'queued');
  pump();
  return true;
}

function canSend() {
  return conn.useWebhook ? conn.online : !!(conn.socket && conn.socket.readyState === 1);
}

export function pump() {
  if (inflight) return;
  var item = outbox[0];
  if (!item) return;
  if (!canSend()) {
    outbox.forEach(function (i) {
      if (i.state !== 'queued') setState(i, 'queued');
    });
    return;
  }
  inflight = item;
  item.tries++;
  setState(item, 'sending');
  var payload = { type: 'message', text: item.text, user: session.user, idempotencyKey: item.id };
  if (conn.useWebhook) {
    postMessage(item, payload);
    return;
  }
  setTyping(true);
  conn.socket.send(JSON.stringify(payload));
  clearTimeout(ackTimer);
  ackTimer = setTimeout(function () {
    if (inflight !== item) return;
    // No answer: the socket may be dead without knowing it. Reconnect and resend (same id).
    if (item.tries >= MAX_AUTO_TRIES) finish(item, 'failed', '服务器没有回应');
    else if (conn.socket) conn.socket.close();
  }, ACK_TIMEOUT_MS);
}

// The message's turn is over (answered, refused or given up): on to the next.
function finish(item, state, reason) {
  clearTimeout(ackTimer);
  var i = outbox.indexOf(item);
  if (i >= 0) outbox.splice(i, 1);
  if (inflight === item) inflight = null;
  if (state === 'sent') answered[item.id] = true;
  setState(item, state, reason);
  setTyping(false);
  pump();
}

// Back to waiting: the connection went before the answer came.
export function requeue() {
  clearTimeout(ackTimer);
  if (inflight) {
    inflight.skip = inflight.got || 0;
    setState(inflight, 'queued');
  }
  inflight = null;
  setTyping(false);
}

// One frame from the server (or one message of a webhook answer).
export function receive(m) {
  if (!m || typeof m !== 'object') return;
  var item = m.replyTo
    ? outbox.filter(function (i) {
        return i.id === m.replyTo;
      })[0]
    : (m.error && inflight) || null;
  if (m.replyTo && answered[m.replyTo]) return;
  if (m.type === 'typing') {
    if (item) setState(item, 'sent');
    setTyping(true);
    return;
  }
  if (m.type !== 'message') return;
  // Replies of this message that were shown before its connection dropped come again in the
  // replayed answer: skipped, not shown twice.
  if (item && item.skip && !m.error) {
    item.skip--;
    if (m.final) finish(item, 'sent');
    return;
  }
  if (m.error) {
    var words = m.text || REFUSALS[m.error] || '发送失败，请重试。';
    showError(words);
    if (item) finish(item, 'failed', m.error === 'rate_limited' ? '发送太频繁' : undefined);
    else setTyping(false);
    return;
  }
  var choices = (m.quick_replies || []).map(function (q) {
    return q.title;
  });
  if (m.verdict) keepVerdict(m.text || '', m.verdict);
  addBot(m.text || '', { choices: choices, verdict: m.verdict, intent: m.intent });
  if (item) {
    item.got = (item.got || 0) + 1;
    setState(item, 'sent');
    if (m.final) finish(item, 'sent');
  } else if (!inflight) {
    setTyping(false);
  }
}

var webhookRetry = null;
function postMessage(item, payload) {
  setTyping(true);
  post(payload).then(
    function (messages) {
      showConnection('');
      conn.attempt = 0;
      (messages || []).forEach(function (m) {
        receive(Object.assign({ replyTo: item.id }, m));
      });
      if (inflight === item) finish(item, 'sent');
    },
    function (err) {
      if (err.code) {
        showError(REFUSALS[err.code] || '发送失败：' + err.message);
        finish(item, 'failed', err.code === 'rate_limited' ? '发送太频繁' : undefined);
        return;
      }
      // The network: wait and resend the same message (same id).
      requeue();
      showConnection('无法连接服务器，正在重试…');
      clearTimeout(webhookRetry);
      webhookRetry = setTimeout(pump, backoff());
    },
  );
}
