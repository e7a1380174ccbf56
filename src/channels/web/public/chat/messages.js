// The assistant's replies in the log: the text (or the verdict card) and the buttons to choose from.
import { append, bubble, disableOldChoices, input, reveal } from './log.js';
import { isSmallTalk, rememberSmallTalk, renderText, wasSmallTalk, webText, withoutSources } from './text.js';
import { verdictCard } from './verdict.js';

// What a click on a choice does: chat.js sets it to send the choice (the outbox).
var choose = function () {};
export function onChoice(fn) {
  choose = fn;
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
      choose(c);
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
export function addBot(text, opts) {
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
