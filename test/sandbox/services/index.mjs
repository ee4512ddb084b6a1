import { join } from './join/join.mjs';
import { room } from './rooms/rooms.mjs';
import { stats } from './stats/stats.mjs';

export const services = (app) => {
	app.configure(room);
	app.configure(join);
	app.configure(stats);
};
