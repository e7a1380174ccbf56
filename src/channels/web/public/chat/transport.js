// The connection to the server: Botkit's web adapter over a websocket (/ws), reconnected with
// backoff, and Botkit's webhook (POST /api/web/messages, net.js) where websockets are blocked.
// Frames go to the outbox (receive); a dropped connection sends its message back to waiting.
import { showConnection } from './log.js';
import { backoff, conn, post } from './net.js';
import { outbox, pump, receive, requeue, setState } from './outbox.js';
import { session } from './store.js';

var everOpened = false;
var reconnectTimer = null;

export function connect() {
  clearTimeout(reconnectTimer);
  reconnectTimer = null;
  var proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  var ws;
  try {
    ws = new WebSocket(proto + '//' + location.host + '/ws');
  } catch (e) {
    switchToWebhook();
    return;
  }
  conn.socket = ws;
  var opened = false;
  ws.onopen = function () {
    opened = true;
    everOpened = true;
    conn.attempt = 0;
    showConnection('');
    ws.send(JSON.stringify({ type: conn.greeted ? 'welcome_back' : 'hello', user: session.user }));
    conn.greeted = true;
    pump();
  };
  ws.onmessage = function (e) {
    if (ws !== conn.socket) return;
    var m;
    try {
      m = JSON.parse(e.data);
    } catch (err) {
      return;
    }
    receive(m);
  };
  ws.onclose = function () {
    if (ws !== conn.socket) return;
    conn.socket = null;
    requeue();
    if (!opened && !everOpened) {
      // Never opened: websockets may be blocked on the way. If plain HTTP gets through, use the webhook.
      fetch('api/web/history', { headers: { 'X-Web-Token': session.user }, cache: 'no-store' }).then(function (r) {
        if (r.ok) switchToWebhook();
        else scheduleReconnect();
      }, scheduleReconnect);
      return;
    }
    scheduleReconnect();
  };
}

function scheduleReconnect() {
  if (reconnectTimer || conn.useWebhook) return;
  var delay = backoff();
  var waiting = outbox.length ? '（有 ' + outbox.length + ' 条消息等待发送）' : '';
  showConnection((navigator.onLine === false ? '网络已断开' : '与服务器的连接已断开') + '，正在重新连接…' + waiting);
  outbox.forEach(function (i) {
    setState(i, 'queued');
  });
  reconnectTimer = setTimeout(connect, delay);
}

function switchToWebhook() {
  conn.useWebhook = true;
  showConnection('');
  if (!conn.greeted) {
    conn.greeted = true;
    post({ type: 'hello', user: session.user }).then(
      function (ms) {
        (ms || []).forEach(receive);
      },
      function () {
        /* the greeting can wait */
      },
    );
  }
  pump();
}

// A socket serves one visitor: 新对话 closes the old one (without reconnecting it) and opens its own.
export function reconnectAsNewVisitor() {
  var old = conn.socket;
  conn.socket = null;
  if (old) {
    old.onclose = null;
    old.close();
  }
  if (conn.useWebhook) switchToWebhook();
  else connect();
}

window.addEventListener('online', function () {
  conn.online = true;
  conn.attempt = 0;
  if (conn.useWebhook) pump();
  else if (!conn.socket) connect();
});
window.addEventListener('offline', function () {
  conn.online = false;
  if (!conn.useWebhook && !conn.socket) showConnection('网络已断开，恢复后自动重新连接。');
});
