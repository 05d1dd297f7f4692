import type { ReasonCode } from '../domain/reasons.ts';
import type { CopyProblem } from '../domain/square-copy.ts';

/** English messages: the source every other language must match key for key. */
export const en = {
  appName: 'Kaifong',
  tagline:
    'A mutual-aid square for your compound: post what you need or can spare. It works offline and syncs directly between neighbours.',
  language: 'Language',
  loading: 'Opening the square…',
  loadFailed: 'This square could not be opened on this device.',
  retry: 'Try again',

  createHeading: 'Create a square',
  squareName: 'Square name',
  squareNameHint: 'For example, the name of your compound',
  yourName: 'Your name',
  yourNameHint: 'Neighbours see it next to your posts',
  buildingOptional: 'Building (optional)',
  createButton: 'Create a square',
  creating: 'Creating…',
  nameRequired: 'Please fill in this field.',
  joinHeading: 'Join with a link',
  pasteInvite: 'Paste an invite link',
  joinButton: 'Join',
  yourSquares: 'Your squares',
  noSquares: 'You have not joined a square on this device yet.',
  unnamedSquare: 'Square (name not synced yet)',

  allSquares: 'All squares',
  inviteLink: 'Invite link',
  inviteHint: 'Anyone with this link can join. Share it only in your compound’s group chat.',
  copy: 'Copy link',
  copied: 'Copied',
  copyFailed: 'Could not copy. Select the link and copy it by hand.',
  joinThisSquare: 'Join this square',
  joinIntro: 'Tell your neighbours who you are. You can post once you have joined.',
  newPost: 'New post',

  status: {
    peers: (n: number) => (n === 1 ? '1 neighbour connected' : `${n} neighbours connected`),
    connected: 'signalling server reachable',
    connecting: 'connecting to the signalling server…',
    unreachable: 'signalling server unreachable: working offline, changes merge when peers meet',
    neverSynced: 'not synced with anyone yet',
    invalid: (n: number) => `${n} invalid records ignored`,
  },

  receiving: (received: string, total: string) => `Receiving the square: ${received} of ${total} posts`,
  receivingLabel: 'Receiving the square',
  transferRefused: (size: string) =>
    `A neighbour's device offered a copy of ${size}, too large for this device, so it was not taken. Posts still arrive from other neighbours.`,
  squareSettings: 'Square settings and archive',
  retentionNote: (days: number) =>
    `Resolved, withdrawn and expired posts are removed from every device after ${days} days.`,
  saveArchive: 'Save closed posts to a file',
  retentionDays: 'Keep closed posts for (days)',
  save: 'Save',
  saved: 'Saved',

  sort: 'Sort',
  sortNewest: 'Newest',
  sortUrgent: 'Most urgent',
  filterType: 'Filter by type',
  filterItem: 'Filter by item',
  filterUrgency: 'Filter by urgency',
  filterGroup: 'Filter by who it is for',
  any: 'Any',
  showClosed: 'Show resolved and expired',
  search: 'Search',
  searchPlaceholder: 'Medicine, place or note',
  posts: 'Posts',
  postCount: (n: number) => (n === 1 ? '1 post' : `${n} posts`),
  showMore: (n: number) => `Show more (${n} more)`,
  emptyBoard: 'No open posts yet. Be the first to post a need or an offer.',
  emptyResults: 'No posts match your search and filters.',

  type: { need: 'Need', offer: 'Offer', swap: 'Swap' },
  urgency: { urgent: 'Urgent: someone is ill now', soon: 'Soon', stocking: 'Stocking up' },
  urgencyShort: { urgent: 'Urgent', soon: 'Soon', stocking: 'Stocking up' },
  group: {
    pregnant: 'Pregnant',
    child: 'Infant or child',
    elderly: 'Elderly',
    chronic: 'Chronic illness',
    disability: 'Disability',
  },
  postStatus: { open: 'Open', expired: 'Expired', resolved: 'Resolved', withdrawn: 'Withdrawn' },

  formType: 'Type',
  items: 'Items',
  giving: 'Giving',
  wanted: 'Wanted',
  item: 'Item',
  quantity: 'Quantity',
  description: 'Description',
  addItem: 'Add item',
  removeItem: 'Remove item',
  formUrgency: 'Urgency',
  forWhom: 'Who it is for',
  building: 'Building',
  floor: 'Floor',
  note: 'Note',
  medicineExpiry: 'Medicine expiry date',
  publish: 'Publish',
  publishing: 'Publishing…',
  cancel: 'Cancel',
  suggested: (max: number, unit: string) => `Suggested: at most ${max} ${unit} per post`,
  overSuggestion: (max: number, unit: string) =>
    `More than the suggested ${max} ${unit} per post. Please leave some for others.`,
  refused: (limit: number, unit: string) =>
    `At most ${limit} ${unit} per post. Split it into smaller posts or ask a volunteer.`,
  describeOther: 'Describe the item.',
  quantityInvalid: 'Enter a whole number of at least 1.',
  publishFailed: (reason: string) => `Could not publish: ${reason}`,

  by: (name: string) => `by ${name}`,
  you: 'you',
  neighbour: (short: string) => `Neighbour ${short}`,
  forLabel: 'For',
  whereLabel: 'Where',
  gives: 'Gives',
  wants: 'Wants',
  expiresOn: (date: string) => `Medicine expires ${date}`,
  progress: 'Progress',
  addProgress: 'Add progress',
  progressNote: 'Progress note',
  postUpdate: 'Post update',
  markResolved: 'Mark resolved',
  withdraw: 'Withdraw',
  renew: 'Renew',
  erase: 'Erase',
  eraseConfirm: 'Erase this post for good? Its text is removed from every device, and this cannot be undone.',
  eraseForGood: 'Erase for good',
  postUnreadable: 'This post could not be shown on this device.',
  keyFingerprint: (code: string) => `key ${code}`,
  namesakes: (n: number) => `${n} neighbours use this name: check the key`,
  stillNeeded: 'Still needed?',
  actionFailed: (reason: string) => `Could not update the post: ${reason}`,

  squareFile: {
    heading: 'The square on a file',
    intro:
      'No network? Save a copy of the square and pass it on by any means: a USB stick, Bluetooth, a chat app. Opening a copy merges it with the square here.',
    includeKey: 'Include the key so the receiver can join',
    includeKeyHint:
      'Only for someone you would give the invite link to: anyone holding a copy with the key can join the square and read it.',
    save: 'Save a copy',
    share: 'Share a copy',
    shareTitle: (name: string) => (name ? `Kaifong: ${name}` : 'Kaifong'),
    open: 'Open a copy',
    openHeading: 'Open a copy of a square',
    openHint: 'A file saved on another device. If it includes the key, you join its square.',
    opening: 'Opening the copy…',
    opened: (posts: number, records: number) =>
      `Copy opened: ${posts === 1 ? '1 new post' : `${posts} new posts`} (${records === 1 ? '1 new record' : `${records} new records`}).`,
    nothingNew: 'Copy opened: this device already had everything in it.',
    problems: {
      'not-kaifong': 'This file is not a copy of a Kaifong square. Nothing was changed.',
      damaged:
        'This copy is damaged or cut short (perhaps it did not finish sending). Nothing was changed. Ask for the file again.',
      'newer-version': 'This copy was saved by a newer version of Kaifong. Update the app, then open it again.',
      forged: 'Some records in this copy were changed after they were written, so nothing from it was used.',
      'other-square': 'This copy is of another square, not this one. Nothing was changed.',
      altered: 'This copy names a square its founder did not create: it was altered. Nothing was changed.',
      'no-key':
        'This copy does not include the key, and this device has not joined its square. Ask for a copy with the key, or for the invite link.',
      'too-large': 'This file is too large to be a copy of a square.',
      failed: 'Something went wrong on this device. Nothing was changed. Please try again.',
    } satisfies Record<CopyProblem, string>,
  },

  qr: {
    scan: 'Scan a QR code',
    stop: 'Stop the camera',
    fromPhoto: 'Scan a photo of the code',
    cameraView: 'Camera view for scanning',
    noCamera: 'The camera could not be opened. Allow the camera, or scan a photo of the code instead.',
    noCode: 'No QR code was found in that photo. Try again closer, with the whole code in view.',
  },

  inviteQr: {
    show: 'QR code and lobby poster',
    label: 'Invite QR code',
    hint: 'Hold this up to a neighbour’s phone: their camera opens the invite link.',
    print: 'Print a lobby poster',
    posterTitle: 'Kaifong mutual-aid square',
    posterSteps: [
      'Scan this code with your phone’s camera.',
      'Open the link: Kaifong runs in the browser, nothing to install.',
      'Enter your name and press Join.',
    ],
    scanHeading: 'Or scan an invite QR code',
  },

  appUpdate: {
    available: 'Update available. Your draft is kept when you reload.',
    reload: 'Reload',
  },

  offline: {
    banner: 'You are offline. You can still read and post; what you write is shared when a neighbour is reachable.',
    lastSyncedWith: (n: number, when: string) =>
      `last synced with ${n === 1 ? '1 neighbour' : `${n} neighbours`} ${when}`,
    waiting: (n: number) =>
      n === 1 ? '1 of your changes waiting to be shared' : `${n} of your changes waiting to be shared`,
    persisted: 'This device keeps your squares for good.',
    mayEvict:
      'The browser may clear your squares from this device when space runs short. Save a copy to be safe, or add Kaifong to your home screen.',
    used: (mb: string) => `Squares use ${mb} MB here.`,
  },

  /** Why something was refused: one line per reason code (domain/reasons.ts). */
  reasons: {
    required: 'Please fill in every required field.',
    'too-long': 'Some text is too long. Please shorten it.',
    'quantity-refused':
      'That quantity is more than three times the suggestion. Please ask for less, so there is enough for everyone.',
    'describe-other': 'Please describe the “other” item.',
    'duplicate-group': 'A group is chosen twice.',
    'swap-wants': 'A swap needs to say what you want in return.',
    'need-expiry': 'A need has no expiry date.',
    invalid: 'Something in the form is not valid. Please check it.',
    'not-normal-form': 'This record is not in the form it was signed in.',
    'not-author': 'Only the person who posted it can change this post.',
    'not-founder': 'Only the founder of the square can do this.',
    'unknown-post': 'This post is no longer in the square.',
    opening: 'The square is still opening. Try again in a moment.',
    failed: 'Something went wrong on this device. Please try again.',
    'not-invite': 'That is not a Kaifong invite link. Ask a neighbour to share it again.',
    'invite-altered':
      'This invite link has been altered: the founder it names did not create this square. It was not opened. Ask a neighbour you trust for the original link.',
    'invite-unbound':
      'This invite link was made by an older version of Kaifong and cannot be checked, so it was not opened. Ask for a link made with the current version.',
  } satisfies Record<ReasonCode, string>,
};

/** The shape every language's messages must have. */
export type Messages = typeof en;
