/** The ID-photo check (证件照自查): the check, its HTTP endpoint and its WeChat reply. */
export { checkIdPhoto, PHOTO_CHECK_IDS, type PhotoCheck, type PhotoCheckId, type PhotoCheckResult } from './check';
export { PhotoInputError, type PhotoRefusal } from './errors';
export { createPhotoCheckRouter, PHOTO_CHECK_PATH, PHOTO_MAX_UPLOAD_BYTES, type PhotoCheckRouterOptions } from './http';
export { loadPhotoRules, defaultPhotoRules, type PhotoRules } from './rules';
export {
  photoReplyForWeChat,
  weChatPhotoCheck,
  weChatPhotoText,
  httpPictureFetcher,
  PictureTooLargeError,
  type PictureFetcher,
  type WeChatPhotoOptions,
} from './wechat';
