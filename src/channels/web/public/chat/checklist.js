// The personal checklist of a verdict card: each material once, as a checkbox, with copy and print.
// The ticks are kept in localStorage per conversation.
import { el, log, section } from './log.js';
import { readJson, session, storageSet } from './store.js';

export function ticksKey() {
  return 'jianli.ticks.' + session.user;
}

// The personal checklist: each material once, as a checkbox; ticks kept per conversation.
export function checklist(v, note, headline) {
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
