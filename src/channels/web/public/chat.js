// The web chat page. Talks to Botkit's web adapter over a websocket (/ws) and falls back to
// Botkit's webhook (POST /api/web/messages) where websockets are blocked. The 📷 button sends a
// photo to POST /api/photo-check (the ID-photo check). All text is inserted with textContent,
// never as HTML.
//
// The page's secret is a random token kept in localStorage: it is Botkit's `user` and the
// X-Web-Token of the history request; the server stores the conversation under a hash of it.
//
// Messages go out through an outbox, one at a time. Each has a client id, sent as its
// idempotencyKey, so a message resent after a dropped connection is answered once; the server
// names that id in every reply (replyTo) and marks the turn's last reply (final). A message waits
// in the outbox while the page is offline and goes out when the websocket is back (reconnected
// with backoff); each shows its state (发送中 / 等待网络 / 已发送 / 发送失败 with 重试).
//
// The verdict of the eligibility check is drawn as a card; it and the ticks of its checklist are
// kept in localStorage per conversation, so a reload shows them again.
(function () {
  'use strict';
  var log = document.getElementById('log');
  var input = document.getElementById('input');
  var form = document.getElementById('composer');
  var typing = document.getElementById('typing');
  var errorBox = document.getElementById('error');
  var connection = document.getElementById('connection');
  var photoButton = document.getElementById('photo-button');
  var photoInput = document.getElementById('photo-input');
  var newChat = document.getElementById('new-chat');
  var KEY = 'jianli.webToken';
  var ACK_TIMEOUT_MS = 15000;
  var MAX_AUTO_TRIES = 3;
  var phone = window.matchMedia ? window.matchMedia('(max-width: 600px)') : { matches: false };

  function randomHex(bytes) {
    return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), function (b) {
      return b.toString(16).padStart(2, '0');
    }).join('');
  }
  function storageGet(key) {
    try {
      return localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }
  function storageSet(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch (e) {
      /* private mode or full: not kept */
    }
  }
  function storageRemove(key) {
    try {
      localStorage.removeItem(key);
    } catch (e) {
      /* ignore */
    }
  }
  function readJson(key, fallback) {
    try {
      var v = JSON.parse(storageGet(key) || 'null');
      return v == null ? fallback : v;
    } catch (e) {
      return fallback;
    }
  }

  var user = storageGet(KEY);
  if (!user || !/^[\w-]{16,128}$/.test(user)) {
    user = randomHex(16);
    storageSet(KEY, user);
  }
  var maxTextLength = 2000;
  var sourceIndex = [];

  // ---------------------------------------------------------------- text helpers

  // Where the page shows buttons, replies never ask for numbers.
  var NUMBER_HINTS = [
    [/[（(]回复数字选择[）)]/g, ''],
    [/请回复上面选项前的数字（例如\s*1）/g, '请点选上面的选项'],
    [/没有这个编号的选项，请回复列表中的数字。?/g, '没有这个选项，请点选上面的按钮。'],
    [/，?请回复数字[：:]?/g, ''],
    [/或回复数字选择/g, '或点选'],
    [/可以点选或回复\s*\d+\s*查看/g, '可以点选下面的按钮查看'],
    [/[，,]?\s*(或|也可以)?回复数字[^，。；\n]*/g, ''],
  ];
  function webText(text) {
    var out = String(text || '');
    NUMBER_HINTS.forEach(function (r) {
      out = out.replace(r[0], r[1]);
    });
    return out.replace(/[ \t]+$/gm, '');
  }
  // Small talk (hello, thanks) needs no citation.
  function isSmallTalk(intent) {
    return typeof intent === 'string' && /^chitchat\./.test(intent);
  }
  // The history keeps no intents: the texts of small-talk replies seen live are remembered (a handful of fixed texts).
  var SMALL_TALK_KEY = 'jianli.smallTalkReplies';
  function rememberSmallTalk(text) {
    var list = readJson(SMALL_TALK_KEY, []).filter(function (t) {
      return t !== text;
    });
    list.push(text);
    storageSet(SMALL_TALK_KEY, JSON.stringify(list.slice(-20)));
  }
  function wasSmallTalk(text) {
    return readJson(SMALL_TALK_KEY, []).indexOf(text) >= 0;
  }
  function withoutSources(text) {
    return text
      .split(/\n{2,}/)
      .filter(function (b) {
        return !/^【来源】/.test(b.trim());
      })
      .join('\n\n');
  }

  // The source ids of a 来源 line's titles (knowledge/sources.yaml via /sources.json).
  function sourcesIn(line) {
    var found = [];
    String(line)
      .split(/[；;]/)
      .forEach(function (part) {
        var t = part.trim();
        if (!t) return;
        var exact = sourceIndex.filter(function (s) {
          return s.title === t;
        })[0];
        if (exact) {
          found.push({ id: exact.id, title: exact.title });
          return;
        }
        var inside = sourceIndex.filter(function (s) {
          return t.indexOf(s.title) >= 0;
        });
        if (inside.length)
          inside.forEach(function (s) {
            found.push({ id: s.id, title: s.title });
          });
        else found.push({ title: t });
      });
    var seen = {};
    return found.filter(function (s) {
      if (seen[s.title]) return false;
      seen[s.title] = true;
      return true;
    });
  }
  function sourceLinks(titles, into) {
    titles.forEach(function (s, i) {
      if (i) into.appendChild(document.createTextNode('；'));
      if (s.id) {
        var a = document.createElement('a');
        a.href = 'sources/' + encodeURIComponent(s.id);
        a.target = '_blank';
        a.rel = 'noopener';
        a.textContent = s.title;
        a.title = '查看来源原文（新窗口）';
        into.appendChild(a);
      } else {
        into.appendChild(document.createTextNode(s.title));
      }
    });
    return into;
  }
  // A reply's text, its 【来源】 lines as links to the assistant's source pages.
  function renderText(container, text) {
    text.split('\n').forEach(function (line, i, lines) {
      var m = /^【来源】(.*)$/.exec(line.trim());
      if (m) {
        var p = document.createElement('span');
        p.className = 'sources';
        p.appendChild(document.createTextNode('【来源】'));
        sourceLinks(sourcesIn(m[1]), p);
        container.appendChild(p);
      } else {
        container.appendChild(document.createTextNode(line));
      }
      if (i < lines.length - 1) container.appendChild(document.createTextNode('\n'));
    });
  }

  function timeLabel(date) {
    return date.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false });
  }

  // ---------------------------------------------------------------- the log

  function showError(text) {
    errorBox.textContent = text || '';
    errorBox.hidden = !text;
  }
  function showConnection(text) {
    connection.textContent = text || '';
    connection.hidden = !text;
  }
  function setTyping(on) {
    typing.textContent = on ? '助手正在输入…' : '';
    if (on) {
      log.appendChild(typing);
      scrollToBottom();
    }
  }
  function scrollToBottom() {
    log.scrollTop = log.scrollHeight;
  }
  // A bubble taller than the log is shown from its top, not its bottom.
  function reveal(el, top) {
    if (top || el.offsetHeight > log.clientHeight * 0.8) log.scrollTop = Math.max(0, el.offsetTop - 8);
    else scrollToBottom();
  }
  function append(el) {
    log.insertBefore(el, typing);
  }

  function bubble(who, at) {
    var div = document.createElement('div');
    div.className = 'msg ' + who;
    div.setAttribute('role', 'article');
    var label = who === 'user' ? '我' : '助手';
    div.setAttribute('aria-label', label + '的消息');
    var speaker = document.createElement('span');
    speaker.className = 'visually-hidden';
    speaker.textContent = label + '说：';
    div.appendChild(speaker);
    var body = document.createElement('div');
    body.className = 'body';
    div.appendChild(body);
    var meta = document.createElement('div');
    meta.className = 'meta';
    var time = document.createElement('time');
    var when = at ? new Date(at) : new Date();
    time.dateTime = when.toISOString();
    time.textContent = timeLabel(when);
    meta.appendChild(time);
    div.appendChild(meta);
    return div;
  }

  function addUser(text, at) {
    var div = bubble('user', at);
    div.querySelector('.body').textContent = text;
    append(div);
    scrollToBottom();
    return div;
  }

  function disableOldChoices() {
    log.querySelectorAll('.choices button:not([disabled])').forEach(function (b) {
      b.disabled = true;
    });
  }

  // picked: the label the user chose (marked), for choices of an earlier turn.
  function addChoices(div, choices, picked) {
    var row = document.createElement('div');
    row.className = 'choices';
    row.setAttribute('role', 'group');
    row.setAttribute('aria-label', '可选的问题');
    choices.forEach(function (c) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = c;
      if (picked !== undefined) {
        b.disabled = true;
        if (c === picked) markPicked(b);
      }
      b.addEventListener('click', function () {
        if (b.disabled) return;
        disableOldChoices();
        markPicked(b);
        send(c);
        input.focus();
      });
      row.appendChild(b);
    });
    div.appendChild(row);
  }
  function markPicked(b) {
    b.classList.add('picked');
    b.setAttribute('aria-pressed', 'true');
    b.title = '您选了这一项';
  }

  // One reply of the assistant. opts: {choices, verdict, intent, at, picked, fromHistory}
  function addBot(text, opts) {
    opts = opts || {};
    var div = bubble('bot', opts.at);
    var body = div.querySelector('.body');
    var shown = webText(text);
    if (isSmallTalk(opts.intent)) {
      if (!opts.fromHistory) rememberSmallTalk(String(text));
      shown = withoutSources(shown);
    } else if (opts.fromHistory && wasSmallTalk(String(text))) {
      shown = withoutSources(shown);
    }
    if (opts.verdict) {
      div.classList.add('has-verdict');
      body.appendChild(verdictCard(opts.verdict, shown));
    } else {
      renderText(body, shown);
    }
    if (opts.choices && opts.choices.length) addChoices(div, opts.choices, opts.picked);
    append(div);
    if (!opts.fromHistory) reveal(div, !!opts.verdict);
    return div;
  }

  // ---------------------------------------------------------------- the verdict card

  var STATUS = {
    eligible: '可以申请',
    blocked: '暂不能申请',
    needs_info: '信息不足，暂无法判断',
  };
  function verdictsKey() {
    return 'jianli.verdicts.' + user;
  }
  function ticksKey() {
    return 'jianli.ticks.' + user;
  }
  function keepVerdict(text, verdict) {
    var list = readJson(verdictsKey(), []).filter(function (v) {
      return v.text !== text;
    });
    list.push({ text: text, verdict: verdict });
    storageSet(verdictsKey(), JSON.stringify(list.slice(-5)));
  }
  function keptVerdict(text) {
    var hit = readJson(verdictsKey(), []).filter(function (v) {
      return v.text === text;
    })[0];
    return hit ? hit.verdict : null;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function section(className, title, open) {
    var d = el('details', 'section ' + className);
    d.open = open;
    var s = el('summary', null, title);
    d.appendChild(s);
    return d;
  }

  // The reply text's blocks: the headline, 【titled】 sections and plain paragraphs (the dates).
  function blocksOf(text) {
    return text
      .split(/\n{2,}/)
      .map(function (b) {
        var t = b.trim();
        var m = /^【([^】]+)】([\s\S]*)$/.exec(t);
        return m ? { title: m[1], body: m[2].replace(/^\n/, '').trim() } : { body: t };
      })
      .filter(function (b) {
        return b.body || b.title;
      });
  }

  function verdictCard(v, text) {
    var card = el('section', 'verdict status-' + v.status);
    card.setAttribute('aria-label', '自查结果');
    var blocks = blocksOf(text);
    var headline = blocks.length && !blocks[0].title ? blocks.shift().body : '自查结果';
    var head = el('div', 'verdict-head');
    var badge = el('p', 'badge', (STATUS[v.status] || v.status) + (v.status === 'eligible' && v.warnings && v.warnings.length ? '（请先看注意事项）' : ''));
    head.appendChild(badge);
    head.appendChild(el('h2', 'headline', headline));
    if (v.region) head.appendChild(el('p', 'region', '注册地：' + v.region));
    card.appendChild(head);

    var findingTexts = (v.blockers || []).concat(v.warnings || []).map(function (f) {
      return f.message;
    });
    var sources = [];
    function addSources(line) {
      sourcesIn(line).forEach(function (s) {
        if (
          !sources.some(function (x) {
            return x.title === s.title;
          })
        )
          sources.push(s);
      });
    }

    function findings(list, className, title) {
      if (!list || !list.length) return;
      var d = section(className, title + '（' + list.length + '）', true);
      var ol = el('ol');
      list.forEach(function (f) {
        var li = el('li');
        li.appendChild(el('p', 'finding', f.message));
        li.appendChild(el('p', 'remedy', '办法：' + f.remedy));
        if (f.source) {
          var src = el('p', 'source', '来源：');
          sourceLinks(sourcesIn(f.source), src);
          li.appendChild(src);
          addSources(f.source);
        }
        ol.appendChild(li);
      });
      d.appendChild(ol);
      card.appendChild(d);
    }
    findings(v.blockers, 'blockers', '需要先解决');
    findings(v.warnings, 'warnings', '需要注意');

    var extra = [];
    var checklistNote = '';
    blocks.forEach(function (b) {
      if (!b.title) {
        extra.push(b);
        return;
      }
      if (b.title === '来源') {
        addSources(b.body);
        return;
      }
      if (/^☐/m.test(b.body)) {
        checklistNote = b.body
          .split('\n')
          .filter(function (l) {
            return !/^☐/.test(l);
          })
          .join('\n')
          .trim();
        return;
      }
      if (
        findingTexts.some(function (m) {
          return m && b.body.indexOf(m) >= 0;
        })
      )
        return;
      extra.push(b);
    });

    // Sections from the text other than the checklist and findings: the facts, what to confirm, next steps, notes.
    var before = [];
    var after = [];
    extra.forEach(function (b) {
      if (!b.title) return;
      var steps = /^\d+\./m.test(b.body);
      (steps || /提示|说明/.test(b.title) ? after : before).push(b);
    });
    before.forEach(function (b) {
      var facts = b.body.split('\n').every(function (l) {
        return /^·/.test(l) && !/？/.test(l);
      });
      var d = section(facts ? 'facts' : 'to-confirm', b.title, !(facts && phone.matches));
      d.appendChild(el('div', 'text', b.body));
      card.appendChild(d);
    });

    card.appendChild(checklist(v, checklistNote, headline));

    after.forEach(function (b) {
      var d = section(/^\d+\./m.test(b.body) ? 'steps' : 'notes', b.title, /^\d+\./m.test(b.body) || !phone.matches);
      d.appendChild(el('div', 'text', b.body));
      card.appendChild(d);
    });
    extra.forEach(function (b) {
      if (b.title) return;
      card.appendChild(el('p', 'dates', b.body));
    });
    (v.materials || []).forEach(function (m) {
      if (m.source) addSources(m.source);
    });
    if (sources.length) {
      var d = section('sources', '来源（' + sources.length + '）', !phone.matches);
      var ul = el('ul');
      sources.forEach(function (s) {
        ul.appendChild(sourceLinks([s], el('li')));
      });
      d.appendChild(ul);
      card.appendChild(d);
    }
    return card;
  }

  // The personal checklist: each material once, as a checkbox; ticks kept per conversation.
  function checklist(v, note, headline) {
    var ticks = readJson(ticksKey(), {});
    var d = section('checklist', '', true);
    var summary = d.querySelector('summary');
    var ul = el('ul');
    var boxes = [];
    function count() {
      var done = boxes.filter(function (b) {
        return b.checked;
      }).length;
      summary.textContent = '您的材料清单（已备 ' + done + '/' + boxes.length + '）';
    }
    if (note) d.appendChild(el('p', 'note', note));
    (v.materials || []).forEach(function (m) {
      var li = el('li');
      var label = el('label');
      var cb = el('input');
      cb.type = 'checkbox';
      cb.checked = !!ticks[m.id];
      cb.dataset.material = m.id;
      cb.addEventListener('change', function () {
        var t = readJson(ticksKey(), {});
        if (cb.checked) t[m.id] = true;
        else delete t[m.id];
        storageSet(ticksKey(), JSON.stringify(t));
        // The same material in another card of this conversation follows.
        log.querySelectorAll('input[data-material="' + m.id + '"]').forEach(function (o) {
          if (o !== cb) o.checked = cb.checked;
        });
        log.querySelectorAll('.checklist').forEach(function (c) {
          if (c.recount) c.recount();
        });
      });
      boxes.push(cb);
      label.appendChild(cb);
      var item = el('span', 'item');
      item.appendChild(el('span', 'name', m.name));
      item.appendChild(el('span', 'req', m.requirement));
      label.appendChild(item);
      li.appendChild(label);
      ul.appendChild(li);
    });
    d.recount = count;
    count();
    d.appendChild(ul);
    var tools = el('div', 'tools');
    var copy = el('button', null, '复制清单');
    copy.type = 'button';
    copy.addEventListener('click', function () {
      var lines = [headline, '', '材料清单：'].concat(
        (v.materials || []).map(function (m, i) {
          return (boxes[i].checked ? '☑ ' : '☐ ') + m.name + '：' + m.requirement;
        }),
      );
      copyText(lines.join('\n')).then(
        function () {
          copy.textContent = '已复制';
        },
        function () {
          copy.textContent = '复制失败';
        },
      );
      setTimeout(function () {
        copy.textContent = '复制清单';
      }, 3000);
    });
    var print = el('button', null, '打印清单');
    print.type = 'button';
    print.addEventListener('click', function () {
      printCard(d.closest('.msg'));
    });
    tools.appendChild(copy);
    tools.appendChild(print);
    d.appendChild(tools);
    return d;
  }

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var ta = el('textarea');
      ta.value = text;
      ta.setAttribute('readonly', '');
      ta.style.position = 'fixed';
      ta.style.opacity = '0';
      document.body.appendChild(ta);
      ta.select();
      var ok = false;
      try {
        ok = document.execCommand('copy');
      } catch (e) {
        ok = false;
      }
      ta.remove();
      if (ok) resolve();
      else reject(new Error('copy failed'));
    });
  }

  // Prints this verdict only, every section open, with the ticks as they are.
  function printCard(msg) {
    var closed = Array.from(msg.querySelectorAll('details:not([open])'));
    closed.forEach(function (d) {
      d.open = true;
    });
    document.body.classList.add('print-verdict');
    msg.classList.add('printing');
    var done = function () {
      window.removeEventListener('afterprint', done);
      document.body.classList.remove('print-verdict');
      msg.classList.remove('printing');
      closed.forEach(function (d) {
        d.open = false;
      });
    };
    window.addEventListener('afterprint', done);
    window.print();
  }

  // ---------------------------------------------------------------- the outbox

  var outbox = []; // messages not yet answered, oldest first
  var inflight = null; // the one sent and waiting for its answer
  var answered = {}; // client ids whose answer arrived (a replayed answer is not shown twice)
  var ackTimer = null;

  var STATE_LABELS = { sending: '发送中…', queued: '等待网络，恢复后自动发送', sent: '已发送', failed: '发送失败' };
  function setState(item, state, reason) {
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

  function send(text) {
    text = String(text).trim();
    if (!text) return false;
    if (text.length > maxTextLength) {
      showError('消息太长了：共 ' + text.length + ' 个字，最多 ' + maxTextLength + ' 个字。请精简后再发，没有发送。');
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
    return useWebhook ? online : !!(socket && socket.readyState === 1);
  }

  function pump() {
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
    var payload = { type: 'message', text: item.text, user: user, idempotencyKey: item.id };
    if (useWebhook) {
      postMessage(item, payload);
      return;
    }
    setTyping(true);
    socket.send(JSON.stringify(payload));
    clearTimeout(ackTimer);
    ackTimer = setTimeout(function () {
      if (inflight !== item) return;
      // No answer: the socket may be dead without knowing it. Reconnect and resend (same id).
      if (item.tries >= MAX_AUTO_TRIES) finish(item, 'failed', '服务器没有回应');
      else if (socket) socket.close();
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
  function requeue() {
    clearTimeout(ackTimer);
    if (inflight) {
      inflight.skip = inflight.got || 0;
      setState(inflight, 'queued');
    }
    inflight = null;
    setTyping(false);
  }

  var REFUSALS = { rate_limited: '发送太频繁了，请稍等一分钟再试。', too_long: '消息太长了，请精简后再发。', unavailable: '服务暂时不可用，请稍后再试。' };

  // One frame from the server (or one message of a webhook answer).
  function receive(m) {
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

  // ---------------------------------------------------------------- transports

  var socket = null;
  var useWebhook = false;
  var online = true;
  var everOpened = false;
  var attempt = 0;
  var reconnectTimer = null;
  var greeted = false;

  function backoff() {
    var base = Math.min(10000, 500 * Math.pow(2, attempt));
    attempt++;
    return base / 2 + (Math.random() * base) / 2;
  }

  function connect() {
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
    socket = ws;
    var opened = false;
    ws.onopen = function () {
      opened = true;
      everOpened = true;
      attempt = 0;
      showConnection('');
      ws.send(JSON.stringify({ type: greeted ? 'welcome_back' : 'hello', user: user }));
      greeted = true;
      pump();
    };
    ws.onmessage = function (e) {
      if (ws !== socket) return;
      var m;
      try {
        m = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      receive(m);
    };
    ws.onclose = function () {
      if (ws !== socket) return;
      socket = null;
      requeue();
      if (!opened && !everOpened) {
        // Never opened: websockets may be blocked on the way. If plain HTTP gets through, use the webhook.
        fetch('api/web/history', { headers: { 'X-Web-Token': user }, cache: 'no-store' }).then(function (r) {
          if (r.ok) switchToWebhook();
          else scheduleReconnect();
        }, scheduleReconnect);
        return;
      }
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    if (reconnectTimer || useWebhook) return;
    var delay = backoff();
    var waiting = outbox.length ? '（有 ' + outbox.length + ' 条消息等待发送）' : '';
    showConnection((navigator.onLine === false ? '网络已断开' : '与服务器的连接已断开') + '，正在重新连接…' + waiting);
    outbox.forEach(function (i) {
      setState(i, 'queued');
    });
    reconnectTimer = setTimeout(connect, delay);
  }

  function switchToWebhook() {
    useWebhook = true;
    showConnection('');
    if (!greeted) {
      greeted = true;
      post({ type: 'hello', user: user }).then(
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

  function post(payload) {
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

  var webhookRetry = null;
  function postMessage(item, payload) {
    setTyping(true);
    post(payload).then(
      function (messages) {
        showConnection('');
        attempt = 0;
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

  window.addEventListener('online', function () {
    online = true;
    attempt = 0;
    if (useWebhook) pump();
    else if (!socket) connect();
  });
  window.addEventListener('offline', function () {
    online = false;
    if (!useWebhook && !socket) showConnection('网络已断开，恢复后自动重新连接。');
  });

  // ---------------------------------------------------------------- the photo check

  function addPhotoResult(result) {
    var div = bubble('bot');
    div.classList.add('photo-result');
    var body = div.querySelector('.body');
    var failed = result.checks.filter(function (c) {
      return !c.pass;
    }).length;
    var head = el(
      'div',
      null,
      result.ok
        ? '证件照检查：' + result.checks.length + ' 项都符合要求（白底、JPG格式、不超过500KB、竖版比例）。'
        : '证件照检查：有 ' + failed + ' 项不符合要求，请按提示修改后再上传检查。',
    );
    body.appendChild(head);
    var ul = el('ul', 'photo-checks');
    result.checks.forEach(function (c) {
      ul.appendChild(el('li', c.pass ? 'pass' : 'fail', (c.pass ? '✓ ' : '✗ ') + c.advice));
    });
    body.appendChild(ul);
    append(div);
    reveal(div);
  }

  function checkPhoto(file) {
    addUser('📷 ' + file.name);
    photoButton.disabled = true;
    setTyping(true);
    // The file's bytes as the body; the server judges the format from the content, not the type.
    fetch('api/photo-check', { method: 'POST', headers: { 'Content-Type': file.type || 'application/octet-stream' }, body: file })
      .then(function (r) {
        return r
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            showError('');
            if (r.ok && body.checks) addPhotoResult(body);
            else if (r.status === 429) showError(REFUSALS.rate_limited);
            else addBot(body.advice || '照片检查失败，请稍后再试。');
          });
      })
      .catch(function () {
        showError('无法连接服务器，照片没有检查，请检查网络后重试。');
      })
      .then(function () {
        setTyping(false);
        photoButton.disabled = false;
      });
  }

  photoButton.addEventListener('click', function () {
    photoInput.click();
  });
  photoInput.addEventListener('change', function () {
    var file = photoInput.files && photoInput.files[0];
    // Cleared so that choosing the same file again (after fixing it) fires another change.
    photoInput.value = '';
    if (file) checkPhoto(file);
  });

  // ---------------------------------------------------------------- the composer

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (send(input.value)) input.value = '';
    input.focus();
  });
  // A paste past the limit is said at once, before anything is sent.
  input.addEventListener('input', function () {
    if (input.value.length > maxTextLength) showError('消息太长了：共 ' + input.value.length + ' 个字，最多 ' + maxTextLength + ' 个字。请精简后再发。');
    else if (/^消息太长了/.test(errorBox.textContent)) showError('');
  });

  // 新对话: a new token is a new conversation; the old one's verdicts and ticks are forgotten here.
  newChat.addEventListener('click', function () {
    storageRemove(verdictsKey());
    storageRemove(ticksKey());
    user = randomHex(16);
    storageSet(KEY, user);
    outbox = [];
    inflight = null;
    answered = {};
    clearTimeout(ackTimer);
    Array.from(log.querySelectorAll('.msg')).forEach(function (m) {
      m.remove();
    });
    setTyping(false);
    showError('');
    greeted = false;
    // A socket serves one visitor: the new one needs its own.
    var old = socket;
    socket = null;
    if (old) {
      old.onclose = null;
      old.close();
    }
    if (useWebhook) switchToWebhook();
    else connect();
    input.focus();
  });

  // ---------------------------------------------------------------- start

  function showHistory(h) {
    if (typeof h.maxTextLength === 'number') maxTextLength = h.maxTextLength;
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
    greeted = turns.length > 0;
    scrollToBottom();
  }

  var sourcesLoaded = fetch('sources.json')
    .then(function (r) {
      return r.ok ? r.json() : [];
    })
    .then(
      function (list) {
        sourceIndex = Array.isArray(list) ? list : [];
      },
      function () {
        /* titles stay plain text */
      },
    );

  function start() {
    fetch('api/web/history', { headers: { 'X-Web-Token': user }, cache: 'no-store' })
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
})();
