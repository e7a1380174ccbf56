// The page's elements and the conversation log: the bubbles, the typing indicator, the error and
// connection lines, scrolling. All text is inserted with textContent, never as HTML.

export var log = document.getElementById('log');
export var input = document.getElementById('input');
var typing = document.getElementById('typing');
export var errorBox = document.getElementById('error');
var connection = document.getElementById('connection');
export var phone = window.matchMedia ? window.matchMedia('(max-width: 600px)') : { matches: false };

export function el(tag, className, text) {
  var e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
// A titled part of a verdict card that opens and closes.
export function section(className, title, open) {
  var d = el('details', 'section ' + className);
  d.open = open;
  var s = el('summary', null, title);
  d.appendChild(s);
  return d;
}

function timeLabel(date) {
  return date.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false });
}

export function showError(text) {
  errorBox.textContent = text || '';
  errorBox.hidden = !text;
}
export function showConnection(text) {
  connection.textContent = text || '';
  connection.hidden = !text;
}
export function setTyping(on) {
  typing.textContent = on ? '助手正在输入…' : '';
  if (on) {
    log.appendChild(typing);
    scrollToBottom();
  }
}
export function scrollToBottom() {
  log.scrollTop = log.scrollHeight;
}
// A bubble taller than the log is shown from its top, not its bottom.
export function reveal(el, top) {
  if (top || el.offsetHeight > log.clientHeight * 0.8) log.scrollTop = Math.max(0, el.offsetTop - 8);
  else scrollToBottom();
}
export function append(el) {
  log.insertBefore(el, typing);
}

export function bubble(who, at) {
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

export function addUser(text, at) {
  var div = bubble('user', at);
  div.querySelector('.body').textContent = text;
  append(div);
  scrollToBottom();
  return div;
}

export function disableOldChoices() {
  log.querySelectorAll('.choices button:not([disabled])').forEach(function (b) {
    b.disabled = true;
  });
}
