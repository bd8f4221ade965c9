import { Panel } from '../ui/panel';
import { Table, Td, Th } from '../ui/table';

/** Options or labels as a two-column table; "none" when empty. */
export function RecordTable({ title, record }: { title: string; record: Record<string, string> }) {
  const entries = Object.entries(record);
  return (
    <Panel title={title} flush={entries.length > 0}>
      {entries.length > 0 ? (
        <Table label={title}>
          <thead>
            <tr>
              <Th>Key</Th>
              <Th>Value</Th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([key, value]) => (
              <tr key={key}>
                <Td className="font-mono text-xs break-all">{key}</Td>
                <Td className="font-mono text-xs break-all">{value}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : (
        <p className="text-sm text-muted">None.</p>
      )}
    </Panel>
  );
}
