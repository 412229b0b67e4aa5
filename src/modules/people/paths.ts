// Every URL of the people module.
export const paths = {
  person: (id = ':id') => `/people/${id}`,
  edit: (id = ':id') => `/people/${id}/edit`,
  breakGlass: (id = ':id') => `/people/${id}/break-glass`,
  portalInvite: (id = ':id') => `/people/${id}/portal-invite`,
  duplicate: (id = ':id', candidateId = ':candidateId') => `/people/${id}/duplicates/${candidateId}`,
  merge: (id = ':id', mergeId = ':mergeId') => `/people/${id}/merges/${mergeId}`,
  accessReviews: '/people/access-reviews',
  accessReview: (grantId = ':grantId') => `/people/access-reviews/${grantId}`,
  // The person's own portal: no ids in these addresses, the record is the signed-in person's.
  myRecord: '/my-record',
  myAccessLog: '/my-record/access-log',
  myDownload: '/my-record/download',
  myDownloadJson: '/my-record/download/my-record.json',
  myDownloadHtml: '/my-record/download/my-record.html',
} as const;
