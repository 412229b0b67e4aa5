// Every URL of the crisis module.
export const paths = {
  // Safety plans (safety-plan-routes.ts): a practitioner's pages about a person, the person's own in
  // their portal (no id: always their own), and a network member's view of what the person shares.
  safetyPlan: (personId = ':personId') => `/crisis/people/${personId}/safety-plan`,
  safetyPlanEdit: (personId = ':personId') => `/crisis/people/${personId}/safety-plan/edit`,
  safetyPlanHistory: (personId = ':personId') => `/crisis/people/${personId}/safety-plan/versions`,
  safetyPlanVersion: (personId = ':personId', version = ':version') => `/crisis/people/${personId}/safety-plan/versions/${version}`,
  safetyPlanPdf: (personId = ':personId') => `/crisis/people/${personId}/safety-plan.pdf`,
  safetyPlanSend: (personId = ':personId') => `/crisis/people/${personId}/safety-plan/send`,
  mySafetyPlan: '/my-record/safety-plan',
  mySafetyPlanEdit: '/my-record/safety-plan/edit',
  mySafetyPlanHistory: '/my-record/safety-plan/versions',
  mySafetyPlanVersion: (version = ':version') => `/my-record/safety-plan/versions/${version}`,
  mySafetyPlanPdf: '/my-record/safety-plan.pdf',
  mySafetyPlanSend: '/my-record/safety-plan/send',
  sharedSafetyPlan: (personId = ':personId') => `/shared-with-me/${personId}/safety-plan`,
  sharedSafetyPlanPdf: (personId = ':personId') => `/shared-with-me/${personId}/safety-plan.pdf`,
  /** The plan's own stylesheet, print rules above all (the site's CSP allows stylesheets from here only). */
  safetyPlanCss: '/crisis/safety-plan.css',
  // Places and holds (place-routes.ts): the availability board, a place, its history, a hold.
  places: '/crisis/places',
  placeNew: '/crisis/places/new',
  /** The board's live events (server-sent events), for clients that update without a reload. */
  placesEvents: '/crisis/places/events',
  place: (id = ':id') => `/crisis/places/${id}`,
  placeEdit: (id = ':id') => `/crisis/places/${id}/edit`,
  placeHistory: (id = ':id') => `/crisis/places/${id}/history`,
  placeHoldNew: (id = ':id') => `/crisis/places/${id}/holds/new`,
  hold: (holdId = ':holdId') => `/crisis/holds/${holdId}`,
  holdAdmit: (holdId = ':holdId') => `/crisis/holds/${holdId}/admit`,
  holdCancel: (holdId = ':holdId') => `/crisis/holds/${holdId}/cancel`,
  holdDischarge: (holdId = ':holdId') => `/crisis/holds/${holdId}/discharge`,
  apiPlaces: '/api/v1/crisis/places',
  apiPlaceHolds: (id = ':id') => `/api/v1/crisis/places/${id}/holds`,
  apiHoldAdmit: (holdId = ':holdId') => `/api/v1/crisis/holds/${holdId}/admit`,
  apiHoldCancel: (holdId = ':holdId') => `/api/v1/crisis/holds/${holdId}/cancel`,
  apiHoldDischarge: (holdId = ':holdId') => `/api/v1/crisis/holds/${holdId}/discharge`,
  // Episodes, the board, follow-ups and measures (episode-routes.ts, board.ts, measures.ts).
  board: '/crisis/board',
  /** The board's server-sent events (board-events.ts). */
  boardEvents: '/crisis/board/events',
  episodeNew: '/crisis/episodes/new',
  episode: (id = ':id') => `/crisis/episodes/${id}`,
  episodeAction: (id = ':id', action = ':action') => `/crisis/episodes/${id}/${action}`,
  duty: '/crisis/duty',
  dutyRemove: (id = ':id') => `/crisis/duty/${id}/remove`,
  targets: '/crisis/targets',
  measures: '/crisis/measures',
  /** The one-question form sent to the person after an episode closes (no sign-in: the link's token is the key). */
  feedback: (token = ':token') => `/crisis/feedback/${token}`,
} as const;
