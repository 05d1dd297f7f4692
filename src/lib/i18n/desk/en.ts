/**
 * The desk's and the figures' messages in English (issue 17): loaded with the desk, out of the first
 * load. The source every other language must match key for key.
 */
export const deskEn = {
  /** The volunteers' desk, matches and a post's live status (issue 17). */
  desk: {
    open: 'Desk',
    heading: 'Volunteer desk',
    close: 'Close',
    tabs: { queue: 'Follow-ups', figures: 'Figures', lobby: 'Lobby sheet' },
    intro: (hours: number) =>
      `Urgent needs with no news from their author for ${hours} hours, and “Still needed?” questions left unanswered. Needs for vulnerable people first, then the oldest.`,
    empty: 'Nothing waiting: every urgent need has had news recently.',
    itemsLabel: 'Needs waiting for a volunteer',
    reason: {
      quiet: (ago: string) => `Last news ${ago}`,
      unanswered: (ago: string) => `“Still needed?” asked ${ago}, no answer`,
    },
    followUp: 'Follow up',
    release: 'Release',
    claimedBy: (name: string, until: string) => `${name} is following up (until ${until})`,
    claimedByYou: (until: string) => `You are following up (until ${until})`,
    outcomeLabel: 'Outcome',
    recordOutcome: 'Record outcome',
    outcome: {
      helped: 'Helped',
      'done-by-others': 'Done by others',
      'no-longer-needed': 'No longer needed',
      unreachable: 'Unreachable',
      duplicate: 'Duplicate',
      hospital: 'Moved to a hospital',
    },
    outcomeOnPost: (outcome: string, ago: string) => `Volunteer: ${outcome} (${ago})`,
    deferReasonLabel: 'Defer because',
    deferForLabel: 'For',
    defer: 'Defer',
    deferReason: {
      'awaiting-reply': 'Waiting for a reply',
      'on-the-way': 'Help is on the way',
      night: 'Night: try in the morning',
      other: 'Other (see note)',
    },
    hours: (n: number) => (n === 1 ? '1 hour' : `${n} hours`),
    deferredHeading: 'Deferred',
    deferredUntil: (reason: string, when: string) => `Deferred until ${when}: ${reason}`,
    notesHeading: 'Volunteer notes',
    noteLabel: 'Volunteer note (only volunteers can read it)',
    addNote: 'Add note',
    noteSealed: 'A note sealed to other volunteers: this device cannot open it.',
    noteBy: (name: string, ago: string) => `${name}, ${ago}`,
    volunteer: 'A volunteer',
    matches: (n: number, type: 'offer' | 'need') =>
      type === 'offer'
        ? n === 1
          ? '1 offer matches'
          : `${n} offers match`
        : n === 1
          ? '1 need matches'
          : `${n} needs match`,
    matchesLabel: 'Matching posts',
    away: (distance: string) => `${distance} away`,
    postLink: 'Link to this post',
    postHeading: 'Post',
    notHere:
      'This post is not on this device: it may have closed and been removed, or not have arrived yet. Posts arrive when a neighbour is online.',
    doNotForward: 'please do not forward',
    live: {
      open: (ago: string) => `Open: still needed (posted ${ago})`,
      expired: (ago: string) => `Expired ${ago}`,
      resolved: (ago: string) => `Resolved ${ago}`,
      withdrawn: (ago: string) => `Withdrawn ${ago}`,
      outcome: (outcome: string, ago: string) => `Resolved ${ago} (${outcome})`,
    },
  },

  /** Figures for the compound: charts, CSV and the lobby sheet (issue 17). */
  figures: {
    open: 'Figures',
    heading: 'Figures for the compound',
    perDay: (days: number) => `Needs and offers per day, last ${days} days`,
    series: {
      needsOpened: 'Needs posted',
      offersOpened: 'Offers posted',
      needsDone: 'Needs resolved',
      offersDone: 'Offers resolved',
    },
    chartLabel: (days: number) => `Chart of needs and offers posted and resolved per day over the last ${days} days`,
    asTable: 'Show as a table',
    day: 'Day',
    median: 'Median time to resolution',
    medianNeeds: (time: string) => `Needs: ${time}`,
    medianOffers: (time: string) => `Offers: ${time}`,
    noneDone: 'none resolved yet',
    hoursShort: (h: string) => `${h} h`,
    item: 'Item',
    building: 'Building',
    all: 'All',
    supplyHeading: 'Open now: needs against offers',
    perItem: 'Per item',
    perBuilding: 'Per building',
    needs: 'Needs',
    offers: 'Offers',
    supplyLabel: (what: string, needs: number, offers: number) => `${what}: ${needs} needs, ${offers} offers`,
    csv: 'Download posts as CSV',
    csvHint: 'No names, keys, notes, floors or free text: only items, urgency, building and times.',
    lobbyHeading: 'Open needs by building',
    lobbyHint: 'For the lobby notice board: no names and no flats. To help, open the square and find the post.',
    print: 'Print lobby sheet',
    noBuilding: 'No building given',
    noNeeds: 'No open needs right now.',
    printed: (date: string) => `Printed ${date}`,
  },
};
/** The shape every language's desk messages must have. */
export type DeskMessages = typeof deskEn;
