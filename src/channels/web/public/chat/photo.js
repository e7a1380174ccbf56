// The photo check: the 📷 button sends a photo to POST /api/photo-check and the result is shown
// as a list of the checks passed and failed.
import { addUser, append, bubble, el, reveal, setTyping, showError } from './log.js';
import { addBot } from './messages.js';
import { REFUSALS } from './net.js';

var photoButton = document.getElementById('photo-button');
var photoInput = document.getElementById('photo-input');

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
