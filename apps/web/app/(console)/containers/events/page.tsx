import type { Metadata } from 'next';
import { EventsView } from '@/components/containers/events-view';

export const metadata: Metadata = { title: 'Events' };

export default async function EventsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { host } = await searchParams;
  return <EventsView initialHostId={typeof host === 'string' ? host : ''} />;
}
