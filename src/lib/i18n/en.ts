import type { ReasonCode } from '../domain/reasons.ts';

/** English messages: the source every other language must match key for key. */
export const en = {
  appName: 'Kaifong',
  tagline:
    'A mutual-aid square for your compound: post what you need or can spare. It works offline and syncs directly between neighbours.',
  language: 'Language',
  loading: 'Opening the square…',
  loadFailed: 'This square could not be opened on this device.',
  retry: 'Try again',

  yourName: 'Your name',
  buildingOptional: 'Building (optional)',
  joinButton: 'Join',
  unnamedSquare: 'Square (name not synced yet)',

  allSquares: 'All squares',
  joinThisSquare: 'Join this square',
  joinIntro: 'Tell your neighbours who you are. You can post once you have joined.',
  newPost: 'New post',

  status: {
    online: (n: number) => (n === 1 ? '1 neighbour online' : `${n} neighbours online`),
    noneOnline: 'no neighbours online — your posts will be shared when one is',
    sharingStillWorks: 'sharing with the neighbours online still works',
    details: 'Details',
    connected: 'signalling server reachable',
    servers: (up: number, total: number) => `${up} of ${total} signalling servers reachable`,
    connecting: 'connecting to the signalling server…',
    unreachable: 'signalling server unreachable: working offline, changes merge when peers meet',
    neverSynced: 'not synced with anyone yet',
    invalid: (n: number) => `${n} invalid records ignored`,
  },

  receiving: (received: string, total: string) => `Receiving the square: ${received} of ${total} posts`,
  receivingLabel: 'Receiving the square',
  transferRefused: (size: string) =>
    `A neighbour's device offered a copy of ${size}, too large for this device, so it was not taken. Posts still arrive from other neighbours.`,
  sort: 'Sort',
  sortBy: { relevant: 'Most relevant', newest: 'Newest', urgent: 'Most urgent', nearest: 'Nearest' },
  filters: 'Filters',
  filtersActive: (n: number) => `Filters (${n})`,
  shareMenu: 'Share & settings',
  search: 'Search',
  searchPlaceholder: 'Medicine, place or note',
  posts: 'Posts',
  postCount: (n: number) => (n === 1 ? '1 post' : `${n} posts`),
  showMore: (n: number) => `Show more (${n} more)`,
  emptyBoard: 'No open posts yet. Be the first to post a need or an offer.',
  waitingForNeighbour: 'Waiting for a neighbour to come online — posts arrive when one does.',
  reopen: 'Reopen',
  renewedAgo: (when: string) => `renewed ${when}`,
  more: 'More',
  less: 'Less',
  lobbyTip: 'Tip: you can leave it at the lobby with a name on the bag, so nobody has to meet.',
  safety: {
    heading: 'Medicine safety',
    lines: [
      'Keep the leaflet and the original packaging.',
      'Check the expiry date before giving or taking it.',
      'Children’s doses go by weight: follow the leaflet.',
    ],
    notAdvice: 'Not medical advice. In an emergency call 999 (112 from any mobile).',
  },
  emptyResults: 'No posts match your search and filters.',

  type: { need: 'Need', offer: 'Offer', swap: 'Swap' },
  urgencyShort: { urgent: 'Urgent', soon: 'Soon', stocking: 'Stocking up' },
  group: {
    pregnant: 'Pregnant',
    child: 'Infant or child',
    elderly: 'Elderly',
    chronic: 'Chronic illness',
    disability: 'Disability',
  },
  postStatus: { open: 'Open', expired: 'Expired', resolved: 'Resolved', withdrawn: 'Withdrawn' },

  cancel: 'Cancel',
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
    'duplicate-item': 'The same item is listed twice. Put it on one line with the total quantity.',
    'medicine-expiry': 'Offered medicine needs its expiry date, and it must be after today.',
    'open-limit': 'You already have as many open posts as you may. Mark one resolved or withdraw it first.',
    'rate-limit': 'You have published many posts in the last hour. Please wait a while before posting again.',
    'not-volunteer': 'Only a volunteer can do this.',
    'not-yourself': 'You cannot do this for yourself.',
    'cannot-block-volunteer':
      'The founder and volunteers cannot be blocked. The founder can remove the volunteer role first.',
    blocked: 'A volunteer has blocked your key in this square.',
    'not-a-code': 'That is not a resident’s code. Ask them to show their code again.',
    'wrong-passphrase': 'The passphrase is wrong, or the file is damaged. Nothing was restored.',
    'not-a-backup': 'That file is not a Kaifong identity backup.',
    opening: 'The square is still opening. Try again in a moment.',
    failed: 'Something went wrong on this device. Please try again.',
    'not-invite': 'That is not a Kaifong invite link. Ask a neighbour to share it again.',
    'invite-altered':
      'This invite link has been altered: the founder it names did not create this square. It was not opened. Ask a neighbour you trust for the original link.',
    'not-signaling-url': 'Enter a server address that starts with wss:// or ws:// (at most 4 servers).',
    'invite-damaged': 'This invite link is damaged — ask for it again.',
    'blank-name': 'A name cannot be only spaces. Please type a name.',
    'invite-unbound':
      'This invite link was made by an older version of Kaifong and cannot be checked, so it was not opened. Ask for a link made with the current version.',
    'cannot-receive':
      'This neighbour cannot receive messages yet: they need to open the square with the current version.',
    'bad-geometry':
      'The site holds a shape Kaifong cannot use: buildings must be outlines with at least three corners and no holes, pickup points single points.',
    'self-intersecting': 'A building’s outline crosses itself. Draw its corners in order around the building.',
    'out-of-range': 'A coordinate is out of range (longitude −180 to 180, latitude −85 to 85).',
    'site-too-wide': 'The site is wider than one compound (5 km). Check that every place is in the right spot.',
    'duplicate-name': 'Two buildings, or two pickup points, have the same name. Give each its own.',
    'too-large': 'That is more than the site may hold (200 buildings, 100 pickup points, 64 corners each, 256 KB).',
    'not-geojson': 'That file is not GeoJSON. Export the site as a GeoJSON FeatureCollection and try again.',
    'already-moved': 'This square has already moved to a new link.',
    'lot-too-large': 'Residents may offer at most 20 at a time. Ask a volunteer to pin a larger lot.',
    'unknown-offer': 'This offer is no longer in the square.',
    'claim-window': 'Claims for this offer are not open now.',
    'household-limit': 'That is more than one household may have of this item for now.',
    'already-claimed': 'Your household has already claimed from this offer.',
    'not-organiser': 'Only the volunteer who pinned this offer can do this.',
    'window-open': 'The claim window has not closed yet.',
    'seed-mismatch': 'That seed does not match the one the organiser committed to.',
    'already-drawn': 'This offer has been drawn already. The draw cannot be repeated.',
    'slot-open': 'The pickup slot has not ended yet.',
    'bad-window': 'A time window must end after it starts (claim windows at most 7 days).',
    'no-seed': 'The seed of this offer is on the device it was pinned from. Reveal it there.',
    'unknown-point': 'A pickup slot must be at one of the pickup points on the map. A volunteer draws them on the map.',
    'not-claimant': 'Only the organiser and the households that claimed from this offer can write about it.',
  } satisfies Record<ReasonCode, string>,

  /** Roles, vouching, moderation and identity backup (issue 10). */
  trust: {
    members: 'Members',
    founder: 'Founder',
    volunteer: 'Volunteer',
    verified: 'Verified neighbour',
    blocked: 'Blocked',
    reason: {
      resale: 'Reselling for profit',
      fake: 'Fake or misleading',
      abuse: 'Abuse or harassment',
      'personal-data': 'Someone’s personal data',
    },
    hiddenNotice: (reason: string) => `A volunteer hid this post (${reason}). Only you can see it.`,
  },

  /** Private, sealed conversations about posts (issue 11). */
  messages: {
    open: (n: number) => (n > 0 ? `Messages, ${n} unread` : 'Messages'),
    heading: 'Messages',
    message: 'Message',
    iCanHelp: 'I can help',
    idLikeThis: 'I’d like this',
    helpLine: 'I can help with this.',
    likeLine: 'I’d like this, if it is still available.',
    notifyTitle: (name: string) => `New message from ${name}`,
  },
  map: {
    open: 'Map',
    showOnMap: 'Show on map',
    away: (distance: string) => `${distance} away`,
  },

  /** Moving a square to a new link, when its link leaked (issue 10). */
  move: {
    moved: 'This square has moved',
    movedSigned:
      'You moved this square to a new link. Neighbours connected now are moving over; the others learn of it when they next open the square.',
    go: 'Go to the new square',
    following: 'Your device is moving to the new link with every post…',
    askVolunteer:
      'The founder moved it to a new link, which only verified neighbours received. Ask a volunteer for the new link. Posts here now reach only those who stayed behind.',
    arrived:
      'This square moved to a new link, and your device followed it with every post. The old link now only says that the square has moved: share only the new one.',
  },

  /** Fair distribution: stock offers, claims, the draw and the handover (issue 16). */
  stock: {
    section: 'Stock',
  },
  /** A resident's own things: editing posts and profile, leaving a square, first run (issue 12). */
  own: {
    edit: 'Edit',
    edited: 'edited',
    notShared: 'not shared yet',
    notSharedHint: 'on this phone only, until a neighbour is online',
    behalfPublic: (building: string) => (building ? `For a neighbour in ${building}` : 'For a neighbour'),
    behalfPrivate: 'For volunteers only',
  },
  /** The volunteers' desk, matches and a post's live status (issue 17). */
  desk: {
    open: 'Desk',
    notifyTitle: (n: number) => (n === 1 ? 'A new post matches yours' : `${n} new posts match yours`),
  },

  /** Figures for the compound: charts, CSV and the lobby sheet (issue 17). */
  figures: {
    open: 'Figures',
  },
};
/** The shape of every language’s first-paint messages. */
export type FirstPaintMessages = typeof en;
