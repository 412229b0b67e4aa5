export const paths = {
  signIn: '/sign-in',
  code: '/sign-in/code',
  setUpAuthenticator: '/sign-in/set-up-authenticator',
  signOut: '/sign-out',
  signedOut: '/signed-out',
} as const;
