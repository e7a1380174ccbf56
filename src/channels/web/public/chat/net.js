// The connection's state shared by the outbox and the transports, the reconnect backoff, and the
// webhook's POST (Botkit's POST /api/web/messages, where websockets are blocked).

// socket: the open (or opening) websocket; useWebhook: websockets did not get through, messages go
// by POST; online: what the browser says; attempt: reconnects since the last success; greeted: the
// server was sent hello (or the history showed the conversation), so a reconnect says welcome_back.
export var conn = { socket: null, useWebhook: false, online: true, attempt: 0, greeted: false };

// What the page says when the server refuses a message.
export var REFUSALS = { rate_limited: '发送太频繁了，请稍等一分钟再试。', too_long: '消息太长了，请精简后再发。', unavailable: '服务暂时不可用，请稍后再试。' };

export function backoff() {
  var base = Math.min(10000, 500 * Math.pow(2, conn.attempt));
  conn.attempt++;
  return base / 2 + (Math.random() * base) / 2;
}

export function post(payload) {
  return fetch('api/web/messages', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) }).then(function (r) {
    if (r.status === 429) {
      var e = new Error('rate_limited');
      e.code = 'rate_limited';
      throw e;
    }
    if (!r.ok)
      return r
        .json()
        .catch(function () {
          return {};
        })
        .then(function (b) {
          var e = new Error(b.error || 'HTTP ' + r.status);
          e.code = r.status === 503 ? 'unavailable' : r.status === 413 ? 'too_long' : 'http';
          throw e;
        });
    return r.status === 200
      ? r.json().catch(function () {
          return [];
        })
      : [];
  });
}
