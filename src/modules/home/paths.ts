export const paths = {
  home: '/',
  accessibility: '/accessibility',
  privacy: '/privacy',
} as const;
