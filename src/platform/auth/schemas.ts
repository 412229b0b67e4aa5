// Sign-in forms. Messages follow the NHS service manual's error message patterns.
import { z } from 'zod';

export const signInSchema = z.object({
  email: z
    .string({ message: 'Enter your email address' })
    .trim()
    .min(1, 'Enter your email address')
    .max(254, 'Email address must be 254 characters or fewer')
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Enter an email address in the correct format, like name@example.com'),
  password: z.string({ message: 'Enter your password' }).min(1, 'Enter your password').max(1024, 'Password must be 1,024 characters or fewer'),
  next: z.string().optional(),
});

export const codeSchema = z.object({
  code: z
    .string({ message: 'Enter the 6-digit code from your authenticator app' })
    .transform((v) => v.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app')),
});

/** A person's sign-in: their email address or UK mobile number (checked by parseContact). */
export const contactSchema = z.object({
  contact: z
    .string({ message: 'Enter your email address or mobile number' })
    .trim()
    .min(1, 'Enter your email address or mobile number')
    .max(254, 'Email address or mobile number must be 254 characters or fewer'),
});

export const personCodeSchema = z.object({
  code: z
    .string({ message: 'Enter the 6-digit code we sent you' })
    .transform((v) => v.replace(/[\s-]/g, ''))
    .pipe(z.string().min(1, 'Enter the 6-digit code we sent you').regex(/^\d{6}$/, 'The code must be 6 numbers, like 123456')),
});

export const MESSAGES = {
  refused: 'Enter a correct email address and password',
  throttled: 'Too many attempts. Wait 15 minutes and try again.',
  wrongCode: 'Enter the 6-digit code from your authenticator app',
  usedCode: 'That code has been used. Wait for a new code',
  contactFormat: 'Enter an email address, like name@example.com, or a UK mobile number, like 07700 900123',
  wrongPersonCode: 'The code is not correct. Check the code in the message we sent and try again',
  expiredPersonCode: 'That code no longer works. Codes work once, for 10 minutes, and stop after 5 wrong tries. Ask for a new code',
} as const;
