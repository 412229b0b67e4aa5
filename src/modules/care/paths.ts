// Every URL of the care coordination module.
export const paths = {
  // Care coordination and the shared plan (coordination.ts, plan.ts, plan-routes.ts).
  personCoordinations: (personId = ':personId') => `/care/people/${personId}/coordinations`,
  coordinationNew: (personId = ':personId') => `/care/people/${personId}/coordinations/new`,
  coordination: (id = ':id') => `/care/coordinations/${id}`,
  keyWorker: (id = ':id') => `/care/coordinations/${id}/key-worker`,
  careTeam: (id = ':id') => `/care/coordinations/${id}/care-team`,
  careTeamRemove: (id = ':id', memberId = ':memberId') => `/care/coordinations/${id}/care-team/${memberId}/remove`,
  coordinationClose: (id = ':id') => `/care/coordinations/${id}/close`,
  plan: (id = ':id') => `/care/coordinations/${id}/plan`,
  planEdit: (id = ':id') => `/care/coordinations/${id}/plan/edit`,
  planHistory: (id = ':id') => `/care/coordinations/${id}/plan/versions`,
  planVersion: (id = ':id', version: number | string = ':version') => `/care/coordinations/${id}/plan/versions/${version}`,
  planActionDone: (id = ':id', actionId = ':actionId') => `/care/coordinations/${id}/plan/actions/${actionId}/done`,
  // The person's own plan, in their portal (no person id: the signed-in person's).
  myPlan: '/my-record/plan',
  myPlanHistory: (planId = ':planId') => `/my-record/plan/${planId}/versions`,
  myPlanVersion: (planId = ':planId', version: number | string = ':version') => `/my-record/plan/${planId}/versions/${version}`,
  // A network member's view of the person's plans with one privacy label (listed on /shared-with-me/:personId).
  sharedPlan: (personId = ':personId', label = ':label') => `/care/shared/${personId}/plans/${label}`,
  // DIALOG-style reviews (reviews.ts, review-routes.ts, views/reviews/).
  reviews: (id = ':id') => `/care/coordinations/${id}/reviews`,
  reviewNew: (id = ':id') => `/care/coordinations/${id}/reviews/new`,
  myReviews: '/my-record/reviews',
  myReviewNew: '/my-record/reviews/new',
  // Network meetings (meetings.ts, meeting-routes.ts, views/meetings/).
  meetings: (id = ':id') => `/care/coordinations/${id}/meetings`,
  meetingNew: (id = ':id') => `/care/coordinations/${id}/meetings/new`,
  meeting: (id = ':id', meetingId = ':meetingId') => `/care/coordinations/${id}/meetings/${meetingId}`,
  meetingReschedule: (id = ':id', meetingId = ':meetingId') => `/care/coordinations/${id}/meetings/${meetingId}/reschedule`,
  meetingCancel: (id = ':id', meetingId = ':meetingId') => `/care/coordinations/${id}/meetings/${meetingId}/cancel`,
  meetingRecord: (id = ':id', meetingId = ':meetingId') => `/care/coordinations/${id}/meetings/${meetingId}/record`,
  meetingFollowUp: (id = ':id', meetingId = ':meetingId') => `/care/coordinations/${id}/meetings/${meetingId}/follow-ups`,
  myMeetings: '/my-record/meetings',
  myMeeting: (meetingId = ':meetingId') => `/my-record/meetings/${meetingId}`,
  // A network member's view of the person's reviews and meetings with one privacy label (listed on /shared-with-me/:personId).
  sharedReviews: (personId = ':personId', label = ':label') => `/care/shared/${personId}/reviews/${label}`,
  sharedMeetings: (personId = ':personId', label = ':label') => `/care/shared/${personId}/meetings/${label}`,
  // Notes with visibility (notes.ts, note-routes.ts, views/notes/).
  notes: (personId = ':personId') => `/care/people/${personId}/notes`,
  noteNew: (personId = ':personId') => `/care/people/${personId}/notes/new`,
  note: (personId = ':personId', noteId = ':noteId') => `/care/people/${personId}/notes/${noteId}`,
  noteCorrect: (personId = ':personId', noteId = ':noteId') => `/care/people/${personId}/notes/${noteId}/correct`,
  noteAddendum: (personId = ':personId', noteId = ':noteId') => `/care/people/${personId}/notes/${noteId}/addendum`,
  withheldNotes: '/care/withheld-notes',
  withheldNote: (id = ':id') => `/care/withheld-notes/${id}`,
  myNotes: '/my-record/notes',
  // Tasks and caseloads (tasks.ts, task-routes.ts, caseload.ts, views/tasks/, views/caseload/).
  myTasks: '/care/tasks',
  teamTasks: '/care/tasks/team',
  task: (id = ':id') => `/care/tasks/${id}`,
  taskFinish: (id = ':id') => `/care/tasks/${id}/finish`,
  taskAssign: (id = ':id') => `/care/tasks/${id}/assign`,
  caseload: '/care/caseload',
  teamCaseload: '/care/caseload/team',
} as const;
