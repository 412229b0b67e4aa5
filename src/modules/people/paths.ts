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
  myMessages: '/my-record/messages',
  myEntries: '/my-record/entries',
  // The person's network (item 2): the person manages it from the portal, practitioners on the record.
  myNetwork: '/my-record/network',
  myNetworkAdd: '/my-record/network/add',
  myNetworkMember: (memberId = ':memberId') => `/my-record/network/${memberId}`,
  myNetworkInvite: (memberId = ':memberId') => `/my-record/network/${memberId}/invite`,
  myNetworkDetails: (memberId = ':memberId') => `/my-record/network/${memberId}/details`,
  myNetworkRemove: (memberId = ':memberId') => `/my-record/network/${memberId}/remove`,
  network: (id = ':id') => `/people/${id}/network`,
  networkAdd: (id = ':id') => `/people/${id}/network/add`,
  networkMember: (id = ':id', memberId = ':memberId') => `/people/${id}/network/${memberId}`,
  networkInviteMember: (id = ':id', memberId = ':memberId') => `/people/${id}/network/${memberId}/invite`,
  networkDetails: (id = ':id', memberId = ':memberId') => `/people/${id}/network/${memberId}/details`,
  networkRemove: (id = ':id', memberId = ':memberId') => `/people/${id}/network/${memberId}/remove`,
  // An invitation link (public: the token is the key), and where a member lands after making their account.
  networkInvite: (token = ':token') => `/network-invite/${token}`,
  networkInviteDone: '/network-invite/done',
  // The network member's side: who shares with them, and what one person shares.
  sharedWithMe: '/shared-with-me',
  sharedBy: (personId = ':personId') => `/shared-with-me/${personId}`,
} as const;
