export { startProjector, RunningProjector } from './projector.service';
export { ProjectorMetrics } from './projector.metrics';
