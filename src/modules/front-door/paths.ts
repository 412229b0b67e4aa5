// Every URL of the front door.
export const paths = {
  getHelp: '/get-help',
  checkRequest: '/check-my-request',
  apiRequests: '/api/v1/requests',
  apiRequestStatus: '/api/v1/requests/:reference/status',
  queue: '/front-door',
  request: (id = ':id') => `/front-door/requests/${id}`,
  breaches: '/front-door/breaches',
  refer: '/refer',
} as const;
