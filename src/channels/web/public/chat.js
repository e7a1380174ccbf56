// The web chat page. Talks to Botkit's web adapter over a websocket (/ws) and falls back to
// Botkit's webhook (POST /api/web/messages) where websockets are blocked. The 📷 button sends a
// photo to POST /api/photo-check (the ID-photo check). All text is inserted with textContent,
// never as HTML. The page's secret is a random token kept in localStorage: it is Botkit's `user`
// and the X-Web-Token of the history request; the server stores the conversation under a hash of
// it. Every message carries its own random idempotencyKey, so a resent message is answered once.
(function () {
  'use strict';
  var log = document.getElementById('log');
  var input = document.getElementById('input');
  var form = document.getElementById('composer');
  var typing = document.getElementById('typing');
  var errorBox = document.getElementById('error');
  var photoButton = document.getElementById('photo-button');
  var photoInput = document.getElementById('photo-input');
  var KEY = 'jianli.webToken';
  function randomHex(bytes) {
    return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }
  var user = localStorage.getItem(KEY);
  if (!user || !/^[\w-]{16,128}$/.test(user)) {
    user = randomHex(16);
    localStorage.setItem(KEY, user);
  }
  var socket = null;
  var useWebhook = false;
  var pending = 0;

  function showError(text) { errorBox.textContent = text; errorBox.hidden = !text; }
  function setTyping(on) { typing.hidden = !on; }
  function scroll() { log.scrollTop = log.scrollHeight; }
  function disableOldChoices() {
    log.querySelectorAll('.choices button').forEach(function (b) { b.disabled = true; });
  }

  function addUser(text) {
    var div = document.createElement('div');
    div.className = 'msg user';
    div.textContent = text;
    log.appendChild(div);
    scroll();
  }

  function addBot(text, choices, verdict) {
    var div = document.createElement('div');
    div.className = 'msg bot';
    var body = document.createElement('div');
    body.textContent = text;
    div.appendChild(body);
    if (choices && choices.length) {
      var row = document.createElement('div');
      row.className = 'choices';
      choices.forEach(function (c) {
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = c;
        b.addEventListener('click', function () { send(c); });
        row.appendChild(b);
      });
      div.appendChild(row);
    }
    if (verdict) { div.classList.add('has-checklist'); div.appendChild(checklist(verdict)); }
    log.appendChild(div);
    scroll();
  }

  // The interview's checklist as a list a person can tick, print or copy.
  function checklist(v) {
    var box = document.createElement('section');
    box.className = 'checklist';
    var status = document.createElement('p');
    status.className = 'status-' + v.status;
    status.textContent = { eligible: '结论：可以申请', blocked: '结论：需先解决阻碍', needs_info: '结论：信息不足' }[v.status] || v.status;
    box.appendChild(status);
    var h = document.createElement('h2');
    h.textContent = '材料清单';
    box.appendChild(h);
    var ul = document.createElement('ul');
    v.materials.forEach(function (m) {
      var li = document.createElement('li');
      var label = document.createElement('label');
      var cb = document.createElement('input');
      cb.type = 'checkbox';
      label.appendChild(cb);
      label.appendChild(document.createTextNode(' ' + m.name + '：' + m.requirement));
      li.appendChild(label);
      ul.appendChild(li);
    });
    box.appendChild(ul);
    var tools = document.createElement('div');
    tools.className = 'tools';
    var print = document.createElement('button');
    print.type = 'button';
    print.textContent = '打印清单';
    print.addEventListener('click', function () { window.print(); });
    var copy = document.createElement('button');
    copy.type = 'button';
    copy.textContent = '复制清单';
    copy.addEventListener('click', function () {
      var text = v.materials.map(function (m) { return '☐ ' + m.name + '：' + m.requirement; }).join('\n');
      if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { copy.textContent = '已复制'; }, function () { copy.textContent = '复制失败'; });
    });
    tools.appendChild(print);
    tools.appendChild(copy);
    box.appendChild(tools);
    return box;
  }

  function receive(m) {
    if (m.type === 'typing') { setTyping(true); return; }
    if (m.type !== 'message') return;
    var choices = (m.quick_replies || []).map(function (q) { return q.title; });
    addBot(m.text || '', choices, m.verdict);
    pending = Math.max(0, pending - 1);
    setTyping(false);
  }

  // A network failure is tried once more with the same payload: its idempotencyKey makes sure a
  // message the server did get is not answered (or stored) twice.
  function postOnce(payload, retries) {
    return fetch('api/web/messages', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) })
      .catch(function (err) {
        if (!retries) throw err;
        return new Promise(function (resolve) { setTimeout(resolve, 1000); }).then(function () { return postOnce(payload, retries - 1); });
      });
  }

  function postWebhook(payload) {
    setTyping(true);
    return postOnce(payload, 1)
      .then(function (r) {
        if (!r.ok) return r.json().catch(function () { return {}; }).then(function (e) { throw new Error(e.error || ('HTTP ' + r.status)); });
        return r.status === 200 ? r.json().catch(function () { return []; }) : [];
      })
      .then(function (messages) { showError(''); (messages || []).forEach(receive); })
      .catch(function () { showError('无法连接服务器，请检查网络后重试。'); })
      .then(function () { setTyping(false); });
  }

  function send(text) {
    text = String(text).trim();
    if (!text) return;
    disableOldChoices();
    addUser(text);
    var payload = { type: 'message', text: text, user: user, idempotencyKey: randomHex(16) };
    if (!useWebhook && socket && socket.readyState === 1) {
      pending++;
      setTyping(true);
      socket.send(JSON.stringify(payload));
    } else {
      postWebhook(payload);
    }
  }

  function connect(hello) {
    var proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    var opened = false;
    try { socket = new WebSocket(proto + '//' + location.host + '/ws'); } catch (e) { useWebhook = true; postWebhook(hello); return; }
    socket.onopen = function () { opened = true; showError(''); socket.send(JSON.stringify(hello)); };
    socket.onmessage = function (e) { try { receive(JSON.parse(e.data)); } catch (err) { /* ignore a frame that is not JSON */ } };
    socket.onclose = function () {
      if (!opened) { useWebhook = true; postWebhook(hello); return; }
      if (pending) showError('与服务器的连接已断开，正在重试…');
      setTimeout(function () { connect({ type: 'welcome_back', user: user }); }, 2000);
    };
  }

  // The ID-photo check: each check as a ✓/✗ line with the server's advice.
  function addPhotoResult(result) {
    var div = document.createElement('div');
    div.className = 'msg bot photo-result';
    var failed = result.checks.filter(function (c) { return !c.pass; }).length;
    var head = document.createElement('div');
    head.textContent = result.ok
      ? '证件照检查：' + result.checks.length + ' 项都符合要求（白底、JPG格式、不超过500KB、竖版比例）。'
      : '证件照检查：有 ' + failed + ' 项不符合要求，请按提示修改后再上传检查。';
    div.appendChild(head);
    var ul = document.createElement('ul');
    ul.className = 'photo-checks';
    result.checks.forEach(function (c) {
      var li = document.createElement('li');
      li.className = c.pass ? 'pass' : 'fail';
      li.textContent = (c.pass ? '✓ ' : '✗ ') + c.advice;
      ul.appendChild(li);
    });
    div.appendChild(ul);
    log.appendChild(div);
    scroll();
  }

  function checkPhoto(file) {
    addUser('📷 ' + file.name);
    photoButton.disabled = true;
    setTyping(true);
    // The file's bytes as the body; the server judges the format from the content, not the type.
    fetch('api/photo-check', { method: 'POST', headers: { 'Content-Type': file.type || 'application/octet-stream' }, body: file })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          showError('');
          if (r.ok && body.checks) addPhotoResult(body);
          else addBot(body.advice || '照片检查失败，请稍后再试。');
        });
      })
      .catch(function () { showError('无法连接服务器，请检查网络后重试。'); })
      .then(function () { setTyping(false); photoButton.disabled = false; });
  }

  photoButton.addEventListener('click', function () { photoInput.click(); });
  photoInput.addEventListener('change', function () {
    var file = photoInput.files && photoInput.files[0];
    // Cleared so that choosing the same file again (after fixing it) fires another change.
    photoInput.value = '';
    if (file) checkPhoto(file);
  });

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = '';
    send(text);
  });

  // Show the conversation so far (it survives a reload), then connect.
  fetch('api/web/history', { headers: { 'X-Web-Token': user } })
    .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
    .then(function (h) {
      h.turns.forEach(function (t, i) {
        if (t.text) addUser(t.text);
        t.replies.forEach(function (r) { addBot(r.text, i === h.turns.length - 1 ? r.choices : null); });
      });
      connect({ type: h.turns.length ? 'welcome_back' : 'hello', user: user });
    })
    .catch(function () { showError('无法连接服务器，请检查网络后重试。'); connect({ type: 'hello', user: user }); });
})();
