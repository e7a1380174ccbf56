// A reply's text as the page shows it: without the hints to answer with numbers (the page has
// buttons), without citations for small talk, and with its 【来源】 lines as links to the sources.
import { readJson, session, storageSet } from './store.js';

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
export function webText(text) {
  var out = String(text || '');
  NUMBER_HINTS.forEach(function (r) {
    out = out.replace(r[0], r[1]);
  });
  return out.replace(/[ \t]+$/gm, '');
}
// Small talk (hello, thanks) needs no citation.
export function isSmallTalk(intent) {
  return typeof intent === 'string' && /^chitchat\./.test(intent);
}
// The history keeps no intents: the texts of small-talk replies seen live are remembered (a handful of fixed texts).
var SMALL_TALK_KEY = 'jianli.smallTalkReplies';
export function rememberSmallTalk(text) {
  var list = readJson(SMALL_TALK_KEY, []).filter(function (t) {
    return t !== text;
  });
  list.push(text);
  storageSet(SMALL_TALK_KEY, JSON.stringify(list.slice(-20)));
}
export function wasSmallTalk(text) {
  return readJson(SMALL_TALK_KEY, []).indexOf(text) >= 0;
}
export function withoutSources(text) {
  return text
    .split(/\n{2,}/)
    .filter(function (b) {
      return !/^【来源】/.test(b.trim());
    })
    .join('\n\n');
}

// The source ids of a 来源 line's titles (knowledge/sources.yaml via /sources.json).
export function sourcesIn(line) {
  var found = [];
  String(line)
    .split(/[；;]/)
    .forEach(function (part) {
      var t = part.trim();
      if (!t) return;
      var exact = session.sourceIndex.filter(function (s) {
        return s.title === t;
      })[0];
      if (exact) {
        found.push({ id: exact.id, title: exact.title });
        return;
      }
      var inside = session.sourceIndex.filter(function (s) {
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
export function sourceLinks(titles, into) {
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
export function renderText(container, text) {
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
