// The verdict of the eligibility check drawn as a card: status, findings with their remedies, the
// sections of the reply text, the personal checklist (checklist.js) and the sources. The verdict is
// kept in localStorage per conversation, so a reload shows the card again.
import { checklist } from './checklist.js';
import { el, phone, section } from './log.js';
import { readJson, session, storageSet } from './store.js';
import { sourceLinks, sourcesIn } from './text.js';

var STATUS = {
  eligible: '可以申请',
  blocked: '暂不能申请',
  needs_info: '信息不足，暂无法判断',
};
export function verdictsKey() {
  return 'jianli.verdicts.' + session.user;
}
export function keepVerdict(text, verdict) {
  var list = readJson(verdictsKey(), []).filter(function (v) {
    return v.text !== text;
  });
  list.push({ text: text, verdict: verdict });
  storageSet(verdictsKey(), JSON.stringify(list.slice(-5)));
}
export function keptVerdict(text) {
  var hit = readJson(verdictsKey(), []).filter(function (v) {
    return v.text === text;
  })[0];
  return hit ? hit.verdict : null;
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

export function verdictCard(v, text) {
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
