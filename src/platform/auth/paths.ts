export const paths = {
  signIn: '/sign-in',
  code: '/sign-in/code',
  setUpAuthenticator: '/sign-in/set-up-authenticator',
  /** People signing in to their own record, with a code sent to their email or mobile. */
  personSignIn: '/sign-in/my-record',
  personCode: '/sign-in/my-record/code',
  signOut: '/sign-out',
  signedOut: '/signed-out',
} as const;
