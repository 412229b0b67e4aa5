// Every URL of the directory, in one place.
export const paths = {
  search: '/directory',
  service: '/directory/services/:id',
  serviceHref: (id: string) => `/directory/services/${encodeURIComponent(id)}`,
  needHelpNow: '/directory/need-help-now',
  manage: '/directory/manage',
  manageNew: '/directory/manage/services/new',
  manageCreate: '/directory/manage/services',
  manageEdit: '/directory/manage/services/:id/edit',
  manageEditHref: (id: string) => `/directory/manage/services/${encodeURIComponent(id)}/edit`,
  manageUpdate: '/directory/manage/services/:id',
  manageUpdateHref: (id: string) => `/directory/manage/services/${encodeURIComponent(id)}`,
  manageArchive: '/directory/manage/services/:id/archive',
  manageArchiveHref: (id: string) => `/directory/manage/services/${encodeURIComponent(id)}/archive`,
  manageReviewed: '/directory/manage/services/:id/reviewed',
  manageReviewedHref: (id: string) => `/directory/manage/services/${encodeURIComponent(id)}/reviewed`,
} as const;
