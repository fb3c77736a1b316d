// Shapes of the Ariel API objects the client reads (reference qradar-aql.md 1.3, 1.8).

export type SearchStatus = 'WAIT' | 'EXECUTE' | 'SORTING' | 'COMPLETED' | 'CANCELED' | 'ERROR';

export interface AqlMessage {
  code?: number | string;
  contexts?: unknown[];
  message: string;
  severity?: string;
}

export interface SearchObject {
  search_id: string;
  cursor_id?: string;
  status: SearchStatus;
  progress?: number;
  record_count?: number;
  processed_record_count?: number;
  query_execution_time?: number;
  query_string?: string;
  error_messages?: AqlMessage[] | null;
  completed?: boolean;
  [key: string]: unknown;
}

/** A custom property definition (GET /api/config/event_sources/custom_properties/regex_properties). */
export interface CustomPropertyDef {
  id?: number;
  name: string;
  property_type?: string;
  description?: string;
  [key: string]: unknown;
}

export interface OffenseRef {
  id: number;
  description?: string;
  status?: string;
  start_time?: number;
  last_updated_time?: number;
  event_count?: number;
  rules?: { id: number; type?: string }[];
  [key: string]: unknown;
}

export interface AnalyticsRule {
  id: number;
  name: string;
  type?: string;
  enabled?: boolean;
  origin?: string;
  identifier?: string;
  [key: string]: unknown;
}

/** What the client counts (the frugality test and the run report read these). */
export interface ArielStats {
  searchesCreated: number;
  requests: number;
  retries: number;
  deletes: number;
  deleteFailures: number;
}
