// What the page keeps in localStorage (which may refuse: private mode, a full store) and the state
// of this visit that several parts read: the visitor's token, the longest message and the sources.
//
// The page's secret is a random token kept in localStorage: it is Botkit's `user` and the
// X-Web-Token of the history request; the server stores the conversation under a hash of it.

var KEY = 'jianli.webToken';

export function randomHex(bytes) {
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
export function storageSet(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch (e) {
    /* private mode or full: not kept */
  }
}
export function storageRemove(key) {
  try {
    localStorage.removeItem(key);
  } catch (e) {
    /* ignore */
  }
}
export function readJson(key, fallback) {
  try {
    var v = JSON.parse(storageGet(key) || 'null');
    return v == null ? fallback : v;
  } catch (e) {
    return fallback;
  }
}

// user: the token; maxTextLength: as the server says in the history; sourceIndex: /sources.json.
export var session = { user: storageGet(KEY), maxTextLength: 2000, sourceIndex: [] };
if (!session.user || !/^[\w-]{16,128}$/.test(session.user)) newUser();

// A new token: a new conversation.
export function newUser() {
  session.user = randomHex(16);
  storageSet(KEY, session.user);
}
