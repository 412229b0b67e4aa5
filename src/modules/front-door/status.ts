// What a person is told about their request: the status in plain words, nothing more.
export const STATUS_WORDS: Record<string, { title: string; text: string }> = {
  received: { title: 'We have your request', text: 'Someone from the team will contact you by the time we gave you.' },
  contacted: { title: 'We have been in touch', text: 'Someone from the team has spoken with you and is working out the right support.' },
  arranging: { title: 'Support is being arranged', text: 'We are arranging support for you with another team or service.' },
  closed: { title: 'Closed', text: 'This request is closed. If you need help again, you can ask at any time.' },
};
