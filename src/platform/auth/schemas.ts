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

export const MESSAGES = {
  refused: 'Enter a correct email address and password',
  throttled: 'Too many attempts. Wait 15 minutes and try again.',
  wrongCode: 'Enter the 6-digit code from your authenticator app',
  usedCode: 'That code has been used. Wait for a new code',
} as const;
