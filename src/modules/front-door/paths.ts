// Every URL of the front door.
export const paths = {
  getHelp: '/get-help',
  checkRequest: '/check-my-request',
  apiRequests: '/api/v1/requests',
  apiRequestStatus: '/api/v1/requests/:reference/status',
  apiDescription: '/api/v1/openapi.json',
  queue: '/front-door',
  request: (id = ':id') => `/front-door/requests/${id}`,
  breaches: '/front-door/breaches',
  refer: '/refer',
  referralSent: (id = ':id') => `/refer/sent/${id}`,
  myReferrals: '/refer/mine',
  receivedReferrals: '/referrals/received',
  receivedReferral: (id = ':id') => `/referrals/received/${id}`,
} as const;
