// Time left to a contact target, in words, so the queue never relies on colour alone (WCAG 1.4.1).
import { formatDuration } from '../../platform/views/format.ts';

export interface TimeLeft {
  text: string;
  /** nhsuk tag colour, a second signal beside the words. */
  tag: 'red' | 'orange' | 'green' | 'grey' | 'white';
  breached: boolean;
}

export function timeLeft(r: { contact_target_at: string; first_contact_at: string | null; created_at: string; status: string }, now: Date): TimeLeft {
  if (r.status === 'closed') return { text: 'Closed', tag: 'grey', breached: false };
  const target = new Date(r.contact_target_at).getTime();
  if (r.first_contact_at) {
    const late = new Date(r.first_contact_at).getTime() > target;
    return { text: late ? 'Contacted after the target' : 'Contacted', tag: 'green', breached: late };
  }
  const left = target - now.getTime();
  if (left <= 0) return { text: `Target missed ${formatDuration(-left)} ago`, tag: 'red', breached: true };
  const whole = target - new Date(r.created_at).getTime();
  return { text: `${formatDuration(left)} left`, tag: left <= whole * 0.25 ? 'orange' : 'white', breached: false };
}
