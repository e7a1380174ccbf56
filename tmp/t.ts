import { normalizeText, hasNoWords } from '../src/nlu/normalize';
for (const s of ['註銷監理工程師後還能重新註冊嗎？？？','ＡＢＣ照片！！！','證書','😀😀','？？？','a\u0000b']) console.log(JSON.stringify(normalizeText(s)), hasNoWords(normalizeText(s)));
